"""The admin for LTI: platforms and keys for the site's administrators (superusers),
the LMS course (roster, gradebook, matching) for the course's instructors."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiRegistration

from accounts import roles
from lti import keys
from lti.config import ToolConfiguration
from lti.grades import GradeError, send_grades
from lti.models import Platform, SentScore
from lti.roster import RosterError, sync_roster


class DeploymentInline(admin.TabularInline):
    model = LtiDeployment
    fields = ["deployment_id", "is_active"]
    extra = 1
    verbose_name_plural = (
        "Deployment ids (a launch from a deployment that is not enabled here is refused)"
    )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["is_active"].initial = True  # one typed in is meant to work
        return formset


class PlatformInline(admin.StackedInline):
    model = Platform
    fields = ["frame_origins", "match_by_email"]
    can_delete = False
    verbose_name_plural = "In Coursblog"


if admin.site.is_registered(LtiRegistration):
    admin.site.unregister(LtiRegistration)


@admin.register(LtiRegistration)
class RegistrationAdmin(admin.ModelAdmin):
    """A platform (LMS) registration: the values the LMS gives, and the tool's values
    the LMS needs (on the list page)."""

    list_display = ["name", "issuer", "client_id", "is_active"]
    fields = [
        "name",
        "issuer",
        "client_id",
        "auth_url",
        "token_url",
        "keyset_url",
        "audience",
        "is_active",
    ]
    inlines = [DeploymentInline, PlatformInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # an LMS is on HTTPS
    change_list_template = "admin/lti/registration_change_list.html"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        configuration = ToolConfiguration.current()
        extra_context = {**(extra_context or {}), "tool": configuration}
        return super().changelist_view(request, extra_context)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        Platform.objects.for_registration(form.instance)


if admin.site.is_registered(Key):
    admin.site.unregister(Key)


@admin.register(Key)
class KeyAdmin(admin.ModelAdmin):
    """The tool's key pairs: made and rotated here, never typed in."""

    list_display = ["__str__", "datetime_created", "is_active"]
    fields = ["public_key", "is_active", "datetime_created"]
    readonly_fields = fields
    change_list_template = "admin/lti/key_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self):
        rotate = self.admin_site.admin_view(require_POST(self.rotate_view))
        return [path("rotate/", rotate, name="lti_tool_key_rotate"), *super().get_urls()]

    def rotate_view(self, request: HttpRequest):
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        key = keys.rotate()
        self.message_user(
            request,
            f"The tool now signs with key {key}; the previous key stays published until the "
            "next rotation.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:lti_tool_key_changelist"))


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """The LMS course, for its instructors: who may match by email, which LMS pages may
    frame the blog, the roster and the gradebook (buttons on the page)."""

    list_display = ["__str__", "course_context", "match_by_email"]
    fields = [
        "registration", "course_context", "match_by_email", "frame_origins",
        "grade_line_item", "scores",
    ]  # fmt: skip
    readonly_fields = ["registration", "grade_line_item", "scores"]
    change_form_template = "admin/lti/platform_change_form.html"

    def _is_instructor(self, request: HttpRequest) -> bool:
        return roles.is_instructor(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_instructor(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_instructor(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_instructor(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one per registration, made with it

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "course_context" in form.base_fields:
            form.base_fields["course_context"].queryset = LtiContext.objects.filter(
                deployment__registration=obj.registration
            )
        return form

    @admin.display(description="scores in the gradebook")
    def scores(self, platform: Platform) -> str:
        if platform.grade_line_item is None:
            return "No gradebook column yet: “Send grades” makes it."
        records = SentScore.objects.filter(line_item=platform.grade_line_item)
        failed = records.failed().select_related("user")
        summary = f"{records.exclude(status=SentScore.Status.FAILED).count()} sent"
        if not failed:
            return summary
        return format_html(
            "{}; failed, tried again at the next sending:<ul>{}</ul>",
            summary,
            format_html_join("", "<li>{}: {}</li>", ((r.user.real_name, r.error) for r in failed)),
        )

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(require_POST(function))

        return [
            path(
                "<int:pk>/sync-roster/",
                view(self.sync_roster_view),
                name="lti_platform_sync_roster",
            ),
            path(
                "<int:pk>/send-grades/",
                view(self.send_grades_view),
                name="lti_platform_send_grades",
            ),
            *super().get_urls(),
        ]

    def _platform(self, request: HttpRequest, pk: int) -> Platform:
        if not self._is_instructor(request):
            raise admin.sites.PermissionDenied
        return get_object_or_404(
            Platform.objects.select_related("registration", "course_context"), pk=pk
        )

    def _back(self, platform: Platform) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:lti_platform_change", args=[platform.pk]))

    def sync_roster_view(self, request: HttpRequest, pk: int):
        platform = self._platform(request, pk)
        try:
            report = sync_roster(platform)
        except RosterError as error:
            self.message_user(request, f"The roster was not synced: {error}", messages.ERROR)
        else:
            self.message_user(request, f"Roster synced: {report}.", messages.SUCCESS)
        return self._back(platform)

    def send_grades_view(self, request: HttpRequest, pk: int):
        platform = self._platform(request, pk)
        try:
            report = send_grades(platform)
        except GradeError as error:
            self.message_user(request, f"No grades were sent: {error}", messages.ERROR)
        else:
            level = messages.WARNING if report.failed else messages.SUCCESS
            self.message_user(request, f"Grades: {report}.", level)
        return self._back(platform)
