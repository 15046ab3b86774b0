from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


class SingletonModelAdmin(admin.ModelAdmin):
    """A settings record there is one of: the list goes straight to it; no adding or deleting.

    The model needs a ``load()`` classmethod that returns (creating if need be) its record.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        record = self.model.load()
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        )
