"""The instructors' desk for reported comments, in the admin (comments/reports.py: the rules).

"Reported comments" (Comments › Reports in the admin) lists each approved comment
with open reports: its text, the post, and every report's reason, note and
reporter (instructors only see this page). Each comment has two one-click buttons,
each a POST with CSRF: "Dismiss reports" keeps the comment up, "Trash" moves it to
the trash; both close its reports, so a later report emails the instructors again.

The comment list gets a "Reported" filter too, to act on those comments in bulk.
Kept apart from comments/admin.py, which owns the comment list's columns and actions.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from accounts import people
from accounts.roles import is_instructor
from comments import reports
from comments.models import Comment, Report


class ReportedFilter(admin.SimpleListFilter):
    """The comment list's "Reported" view: comments with open reports."""

    title = "reports"
    parameter_name = "reported"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", "Reported")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.reported()
        return queryset


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The desk: its list is grouped by comment, and its only changes are the two buttons."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_instructor(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_instructor(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members report from the post page

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # closed with the desk's buttons, never one by one

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(require_POST(function))

        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="comments_report_changelist",
            ),
            path("<int:pk>/dismiss/", view(self.dismiss_view), name="comments_report_dismiss"),
            path("<int:pk>/trash/", view(self.trash_view), name="comments_report_trash"),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        comments = list(reports.reported_comments())
        urls = Comment.objects.page_urls(comments)
        rows = [
            {
                "comment": comment,
                "author_name": people.comment_author_name(comment, identities=True),
                "url": urls[comment.pk],
                "reports": list(comment.reports.all()),
            }
            for comment in comments
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Reported comments",
            "rows": rows,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/comments/report/desk.html", context)

    def _reported_comment(self, request: HttpRequest, pk: int) -> Comment:
        if not is_instructor(request.user):
            raise PermissionDenied
        return get_object_or_404(Comment, pk=pk)

    def _back(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:comments_report_changelist"))

    def dismiss_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self._reported_comment(request, pk)
        count = reports.dismiss_reports(comment)
        noun = "report" if count == 1 else "reports"
        self.message_user(
            request,
            f"{count} {noun} on the comment by {comment.author_name} dismissed; it stays up.",
            messages.SUCCESS,
        )
        return self._back()

    def trash_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self._reported_comment(request, pk)
        reports.trash_reported(comment, by=request.user)
        self.message_user(
            request,
            f"The comment by {comment.author_name} was moved to the trash.",
            messages.SUCCESS,
        )
        return self._back()
