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


class InstructorsManageAdmin(admin.ModelAdmin):
    """An admin that instructors (who edit every post) manage in full.

    accounts/roles.py lists each role's permissions; until it names this model's,
    this grants them to instructors without a migration of the groups.
    """

    def _instructor(self, request: HttpRequest) -> bool:
        from accounts import roles

        return (
            request.user.is_active and request.user.is_staff and roles.is_instructor(request.user)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._instructor(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._instructor(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._instructor(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._instructor(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._instructor(request) or super().has_delete_permission(request, obj)
