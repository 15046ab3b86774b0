from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from accounts import avatars, roles, roster
from accounts.models import User


class RosterForm(forms.Form):
    roster = forms.FileField(
        label="Roster (CSV)",
        help_text="One student per line: name, email, and optionally a username and a display "
        "name (what classmates see; a pseudonym is fine). A first line “name,email,…” is skipped.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    invite = forms.BooleanField(
        label="Email new students an invitation to set their password",
        required=False,
        initial=True,
    )


class StudentChangeForm(UserChangeForm):
    """What an instructor may change about a student: names, email, active, and whether
    they are a student of the course. Staff, superuser, other groups and permissions
    are not fields of this form, so no POST can set them."""

    student = forms.BooleanField(
        label="Student of the course",
        required=False,
        help_text="Students write posts; without it the account can only read and comment.",
    )

    class Meta(UserChangeForm.Meta):
        model = User
        fields = [
            "username", "password", "first_name", "last_name", "display_name", "email", "is_active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["student"] = self.instance.groups.filter(name=roles.STUDENTS).exists()

    def save_student_group(self) -> None:
        students = Group.objects.get_or_create(name=roles.STUDENTS)[0]
        if self.cleaned_data["student"]:
            self.instance.groups.add(students)
        else:
            self.instance.groups.remove(students)


@admin.register(User)
class CourseUserAdmin(UserAdmin):
    """Django's user admin, with what only a superuser may grant kept to superusers.

    Instructors (who have the user permissions) manage students and members: names,
    email, active, and the Students group. Staff status, superuser status, any other
    group and permissions are a superuser's to give, to anyone, the superuser's own
    account included; instructors cannot change other instructors or superusers, nor
    set passwords (students reset their own by email).
    """

    list_display = [
        "username", "display_name", "email", "first_name", "last_name", "is_staff", "last_login",
    ]  # fmt: skip
    list_filter = ["groups", "is_staff", "is_active"]
    actions = ["remove_pictures"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Names", {"fields": ("first_name", "last_name", "display_name", "email")}),
        *UserAdmin.fieldsets[2:],
    )
    student_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Names", {"fields": ("first_name", "last_name", "display_name", "email")}),
        ("In the course", {"fields": ("is_active", "student")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.student_fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = StudentChangeForm
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        if obj.pk == request.user.pk:
            return True  # their own name and email, nothing more (see get_form)
        return not (obj.is_superuser or obj.is_staff or roles.is_instructor(obj))

    @admin.action(
        description="Remove the selected members' pictures (their initials show instead)",
        permissions=["change"],
    )
    def remove_pictures(self, request: HttpRequest, queryset) -> None:
        """A picture that should not be on the course's pages goes, at once, everywhere."""
        removed = 0
        for user in queryset.exclude(avatar_small=""):
            if self.has_change_permission(request, user):
                avatars.remove_picture(user)
                removed += 1
        self.message_user(request, f"Pictures removed: {removed}.")

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if isinstance(form, StudentChangeForm):
            form.save_student_group()

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = ""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

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
