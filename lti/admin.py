"""The admin for LTI: platforms and keys for the site's administrators (superusers),
the LMS course (roster, gradebook, matching) for the course's instructors."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
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
from lti.grades import GradeError, GradeReport, retry_failed, send_grades
from lti.models import GradebookLink, Platform, SentScore, default_grade_source
from lti.roster import RosterError, sync_roster
from participation.grades import LMS_SOURCES


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


class InstructorsOnly:
    """For the course's instructors (accounts/roles.py), whatever their Django permissions."""

    def _is_instructor(self, request: HttpRequest) -> bool:
        return roles.is_instructor(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_instructor(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_instructor(request)


class GradebookLinkForm(forms.ModelForm):
    class Meta:
        model = GradebookLink
        fields = ["source", "label", "maximum"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.source if self.instance.pk else default_grade_source()
        choices = list(LMS_SOURCES.items())
        if current and current not in LMS_SOURCES:  # a deployment's own source
            choices.append((current, f"{current} (the site's LTI_GRADE_SOURCE setting)"))
        field = GradebookLink._meta.get_field("source")
        self.fields["source"] = forms.ChoiceField(
            label=field.verbose_name.capitalize(),
            choices=choices,
            initial=current,
            help_text=field.help_text,
        )


class GradebookLinkInline(InstructorsOnly, admin.StackedInline):
    model = GradebookLink
    form = GradebookLinkForm
    fk_name = "platform"
    fields = ["source", "label", "maximum", "line_item"]
    readonly_fields = ["line_item"]
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = verbose_name_plural = "Grades sent to the LMS gradebook"

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_instructor(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_instructor(request)


@admin.register(Platform)
class PlatformAdmin(InstructorsOnly, admin.ModelAdmin):
    """The LMS course, for its instructors: who may match by email, which LMS pages may
    frame the blog, which grade its gradebook receives, the roster and the gradebook
    (buttons on the page)."""

    list_display = ["__str__", "course_context", "match_by_email"]
    fields = ["registration", "course_context", "match_by_email", "frame_origins", "scores"]
    readonly_fields = ["registration", "scores"]
    inlines = [GradebookLinkInline]
    change_form_template = "admin/lti/platform_change_form.html"

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

    def get_inline_instances(self, request: HttpRequest, obj=None):
        # A gradebook belongs to an LMS course: none before the first launch binds one.
        if obj is None or obj.course_context_id is None:
            return []
        return super().get_inline_instances(request, obj)

    def get_formset_kwargs(self, request: HttpRequest, obj, inline, prefix: str) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, GradebookLinkInline):
            kwargs["queryset"] = GradebookLink.objects.filter(context=obj.course_context_id)
        return kwargs

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is not GradebookLink:
            return super().save_formset(request, form, formset, change)
        platform = form.instance
        for link in formset.save(commit=False):
            if platform.course_context_id is None:
                continue  # the course was unbound in the same form: nothing to link
            if link.pk is None:
                link.context_id = platform.course_context_id
            if link.context_id == platform.course_context_id:
                link.save()
        return None

    @admin.display(description="scores in the gradebook")
    def scores(self, platform: Platform) -> str:
        link = GradebookLink.objects.filter(context=platform.course_context_id).first()
        if link is None or link.line_item_id is None:
            return "No gradebook column yet: “Send grades” makes it."
        records = SentScore.objects.filter(line_item=link.line_item_id)
        failed = records.failed().select_related("user")
        summary = f"{records.exclude(status=SentScore.Status.FAILED).count()} sent"
        if not failed:
            return summary
        return format_html(
            "{}; failed, tried again at the next sending or with “Retry failed”:<ul>{}</ul>",
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
            path(
                "<int:pk>/retry-grades/",
                view(self.retry_grades_view),
                name="lti_platform_retry_grades",
            ),
            *super().get_urls(),
        ]

    def _platform(self, request: HttpRequest, pk: int) -> Platform:
        if not self._is_instructor(request):
            raise PermissionDenied
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
        tell_grade_report(self, request, lambda: send_grades(platform))
        return self._back(platform)

    def retry_grades_view(self, request: HttpRequest, pk: int):
        platform = self._platform(request, pk)
        tell_grade_report(self, request, lambda: send_grades(platform, only_failed=True))
        return self._back(platform)


def tell_grade_report(model_admin, request: HttpRequest, send) -> None:
    """Run ``send`` (a sending of grades) and tell the instructor how it went."""
    try:
        report: GradeReport = send()
    except GradeError as error:
        model_admin.message_user(request, f"No grades were sent: {error}", messages.ERROR)
    else:
        level = messages.WARNING if report.failed else messages.SUCCESS
        model_admin.message_user(request, f"Grades: {report}.", level)


@admin.register(SentScore)
class SentScoreAdmin(InstructorsOnly, admin.ModelAdmin):
    """Each student's score in the LMS gradebook and, for a failed one, the LMS's error:
    for the course's instructors, who retry the failures here."""

    list_display = ["student", "column", "score_sent", "status", "error", "attempts", "updated_at"]
    list_filter = ["status"]
    search_fields = ["user__display_name", "user__first_name", "user__last_name"]
    actions = ["retry_failed_action"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("user", "line_item")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="student", ordering="user__display_name")
    def student(self, record: SentScore) -> str:
        return record.user.real_name

    @admin.display(description="gradebook column", ordering="line_item__label")
    def column(self, record: SentScore) -> str:
        return record.line_item.label

    @admin.display(description="score")
    def score_sent(self, record: SentScore) -> str:
        return f"{record.score:g} / {record.maximum:g}"

    @admin.action(description="Retry failed")
    def retry_failed_action(self, request: HttpRequest, queryset) -> None:
        if not self._is_instructor(request):
            raise PermissionDenied
        outcomes = retry_failed(queryset)
        if not outcomes:
            self.message_user(request, "None of these failed: nothing to retry.", messages.INFO)
        for platform, outcome in outcomes:
            if isinstance(outcome, GradeError):
                self.message_user(request, f"{platform}: {outcome}", messages.ERROR)
            else:
                level = messages.WARNING if outcome.failed else messages.SUCCESS
                self.message_user(request, f"{platform}: {outcome}.", level)
