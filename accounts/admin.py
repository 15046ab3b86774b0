from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from accounts import roster
from accounts.models import User


class RosterForm(forms.Form):
    roster = forms.FileField(
        label="Roster (CSV)",
        help_text="One student per line: name, email, and optionally a username. "
        "A first line “name,email,username” is skipped.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    invite = forms.BooleanField(
        label="Email new students an invitation to set their password",
        required=False,
        initial=True,
    )


@admin.register(User)
class CourseUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "last_login"]
    list_filter = ["groups", "is_staff", "is_active"]

    def get_urls(self):
        return [
            path(
                "import-roster/",
                self.admin_site.admin_view(self.import_roster_view),
                name="accounts_user_import_roster",
            ),
            *super().get_urls(),
        ]

    def import_roster_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RosterForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data["roster"].read()
            report = roster.import_roster(data, request=request, invite=form.cleaned_data["invite"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a class roster",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/accounts/user/import_roster.html", context)
