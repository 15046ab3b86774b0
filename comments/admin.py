import json
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import is_instructor
from comments import personal_data
from comments.forms import InstructorReplyForm, QuickEditForm
from comments.models import Comment, DiscussionSettings
from comments.report_admin import ReportedFilter  # also registers the reported-comments desk
from coursblog.admin import SingletonModelAdmin
from coursblog.html import plain_text
from participation.models import Preferences

Status = Comment.Status


class RowAction(NamedTuple):
    method: str  # the Comment method that does it
    label: str
    done: str  # for the message: "The comment was …"
    key: str  # its keyboard shortcut, if any


# The one-click row actions, by the name in their URL.
ROW_ACTIONS = {
    "approve": RowAction("approve", "Approve", "approved", "a"),
    "unapprove": RowAction("unapprove", "Unapprove", "unapproved", "u"),
    "spam": RowAction("mark_spam", "Spam", "marked as spam", "s"),
    "not-spam": RowAction("restore", "Not spam", "restored from the spam", ""),
    "trash": RowAction("trash", "Trash", "moved to the trash", "t"),
    "restore": RowAction("restore", "Restore", "restored", ""),
    "delete": RowAction("delete", "Delete permanently", "deleted permanently", ""),
}
# Which of them each status offers, in WordPress's order.
ACTIONS_BY_STATUS = {
    Status.PENDING: ["approve", "spam", "trash"],
    Status.APPROVED: ["unapprove", "spam", "trash"],
    Status.SPAM: ["not-spam", "delete"],
    Status.TRASH: ["restore", "delete"],
}


class StatusFilter(admin.SimpleListFilter):
    """WordPress's status links, each with its count: All, Held, Approved, Spam, Trash.

    "All" has its own value so that the bare list can default to the held comments."""

    title = "status"
    parameter_name = "status"
    template = "admin/comments/comment/status_filter.html"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("all", "All"), *Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset

    def choices(self, changelist):
        counts = Comment.objects.status_counts()
        current = self.value() if self.value() in counts else "all"
        for value, label in self.lookup_choices:
            yield {
                "selected": value == current,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
                "status": value,
                "count": counts[value],
            }


def wants_json(request: HttpRequest) -> bool:
    """The list's script asks for JSON; a plain form post gets a redirect."""
    return request.headers.get("Accept", "").startswith("application/json")


def first_line(comment: Comment, length: int = 80) -> str:
    """The first line the commenter typed, as text (tags they typed are dropped)."""
    lines = comment.body.strip().splitlines()
    return Truncator(plain_text(lines[0]) if lines else "").chars(length)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_public", "comment_text", "in_response_to", "status_column", "created"]
    list_display_links = ["created"]
    list_filter = [StatusFilter, ReportedFilter, ("post", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["post", "user", "parent"]
    search_fields = ["author_name", "author_email", "author_url", "body", "user__username"]
    date_hierarchy = "created"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve", "mark_spam", "move_to_trash", "restore"]
    fields = [
        "post", "parent", "user", "author_name", "author_email", "author_url", "body", "status",
        "held_reason", "created", "ip_address", "user_agent", "moderated_by", "moderated_at",
    ]  # fmt: skip
    readonly_fields = [
        "post", "parent", "user", "held_reason", "created", "ip_address", "user_agent",
        "moderated_by", "moderated_at",
    ]  # fmt: skip

    def get_list_display(self, request: HttpRequest) -> list[str]:
        """Moderators see who wrote each comment (email, IP address, history), why it
        was held, and the row actions; other staff see the comments."""
        if self.has_moderate_permission(request):
            return [
                "author_column", "comment_column", "in_response_to", "status_column",
                "created", "held_column",
            ]  # fmt: skip
        return super().get_list_display(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_author_approved_count()

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """The held comments are the list's default view while there are any."""
        if request.method == "GET" and not request.GET and Comment.objects.held().exists():
            return HttpResponseRedirect(f"{request.path}?status={Status.PENDING}")
        moderator = self.has_moderate_permission(request)
        extra_context = {
            **(extra_context or {}),
            "moderator": moderator,
            "next_url": request.get_full_path(),
            "keyboard_shortcuts": moderator and Preferences.of(request.user).keyboard_shortcuts,
        }
        return super().changelist_view(request, extra_context)

    # The columns.

    @admin.display(description="Author", ordering="author_name")
    def author_public(self, comment: Comment) -> str:
        return comment.author_name if comment.user_id else f"{comment.author_name} (guest)"

    @admin.display(description="Author", ordering="author_name")
    def author_column(self, comment: Comment) -> SafeString:
        return mark_safe(  # noqa: S308 (rendered by the template, which escapes)
            render_to_string("admin/comments/comment/_author_cell.html", {"comment": comment})
        )

    @admin.display(description="Comment")
    def comment_text(self, comment: Comment) -> SafeString:
        # body_html was sanitised when the comment was saved (coursblog/html.py).
        return format_html('<div class="comment-text">{}</div>', mark_safe(comment.body_html))  # noqa: S308

    @admin.display(description="Comment")
    def comment_column(self, comment: Comment) -> SafeString:
        return self._cell("comment", comment)

    @admin.display(description="In response to")
    def in_response_to(self, comment: Comment) -> SafeString:
        post = format_html('<a href="{}">{}</a>', comment.post.get_absolute_url(), comment.post)
        if comment.parent_id is None:
            return post
        parent_url = reverse("admin:comments_comment_change", args=[comment.parent_id])
        return format_html(
            '{}<span class="comment-parent">In reply to {}: <a href="{}">{}</a></span>',
            post,
            comment.parent.author_name,
            parent_url,
            first_line(comment.parent) or "(no text)",
        )

    @admin.display(description="Status", ordering="status")
    def status_column(self, comment: Comment) -> SafeString:
        return self._cell("status", comment)

    @admin.display(description="Why held")
    def held_column(self, comment: Comment) -> SafeString:
        return self._cell("held", comment)

    def _cell(self, name: str, comment: Comment) -> SafeString:
        actions = [
            (action, ROW_ACTIONS[action].label, ROW_ACTIONS[action].key)
            for action in ACTIONS_BY_STATUS.get(comment.status, [])
        ]
        context = {"comment": comment, "actions": actions, "held": Status.PENDING}
        return mark_safe(  # noqa: S308 (rendered by the template, which escapes)
            render_to_string(f"admin/comments/comment/_{name}_cell.html", context)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from the site's reply form

    def get_urls(self):
        def moderator_view(view):
            return self.admin_site.admin_view(view)

        return [
            path(
                "personal-data/",
                moderator_view(self.personal_data_view),
                name="comments_comment_personal_data",
            ),
            path(
                "<int:pk>/moderate/<slug:action>/",
                moderator_view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            path("<int:pk>/reply/", moderator_view(self.reply_view), name="comments_comment_reply"),
            path(
                "<int:pk>/quick-edit/",
                moderator_view(self.quick_edit_view),
                name="comments_comment_quick_edit",
            ),
            *super().get_urls(),
        ]

    # The row actions: POST only, instructors only; JSON for the list's script, else a
    # redirect back to the list with a message.

    def _comment_for_moderator(self, request: HttpRequest, pk: int) -> Comment:
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        comment = self.get_queryset(request).filter(pk=pk).first()
        if comment is None:
            raise Http404("No such comment.")
        return comment

    def _back(self, request: HttpRequest, *candidates: str | None) -> str:
        """Where a plain form post returns: the list as the moderator left it."""
        for candidate in (request.POST.get("next"), request.GET.get("next"), *candidates):
            if candidate and url_has_allowed_host_and_scheme(
                candidate, {request.get_host()}, require_https=request.is_secure()
            ):
                return candidate
        return reverse("admin:comments_comment_changelist")

    def _answer(self, request: HttpRequest, comment: Comment | None, message: str) -> HttpResponse:
        if not wants_json(request):
            self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(self._back(request))
        data: dict = {"message": message, "counts": Comment.objects.status_counts()}
        if comment is None:
            data["deleted"] = True
        else:
            comment = self.get_queryset(request).get(pk=comment.pk)  # read afresh, annotated
            data["status"] = comment.status
            data["cells"] = {
                "field-comment_column": self.comment_column(comment),
                "field-status_column": self.status_column(comment),
                "field-held_column": self.held_column(comment),
                "field-author_column": self.author_column(comment),
            }
        return JsonResponse(data)

    @method_decorator(require_POST)
    def moderate_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        comment = self._comment_for_moderator(request, pk)
        if action not in ACTIONS_BY_STATUS.get(comment.status, []):
            if action not in ROW_ACTIONS:
                raise Http404("No such action.")
            # Someone else moderated it meanwhile: say where it stands, change nothing.
            label = Status(comment.status).label
            return self._answer(request, comment, f"This comment is already: {label}.")
        row_action = ROW_ACTIONS[action]
        with transaction.atomic():
            if action == "delete":
                comment.delete()
                return self._answer(request, None, "The comment was deleted permanently.")
            current = Comment.objects.select_for_update().get(pk=comment.pk)
            getattr(current, row_action.method)(by=request.user)
        return self._answer(request, current, f"The comment was {row_action.done}.")

    @method_decorator(require_http_methods(["GET", "POST"]))
    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Answer a comment from the list; "Approve and reply" approves it too."""
        return self._respond(request, pk, reply=True)

    @method_decorator(require_http_methods(["GET", "POST"]))
    def quick_edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._respond(request, pk, reply=False)

    def _respond(self, request: HttpRequest, pk: int, *, reply: bool) -> HttpResponse:
        comment = self._comment_for_moderator(request, pk)
        data = request.POST if request.method == "POST" else None
        if reply:
            form = InstructorReplyForm(data, parent=comment, user=request.user)
        else:
            form = QuickEditForm(data, comment=comment)
        if form.is_bound and form.is_valid():
            if not reply:
                form.save()
                return self._answer(request, comment, "The comment was updated.")
            if form.save(approve_parent="approve" in request.POST) is not None:
                message = (
                    "The comment was approved and your reply posted."
                    if "approve" in request.POST
                    else "Your reply was posted."
                )
                return self._answer(request, form.parent, message)
        if not form.is_bound and wants_json(request):  # the list's inline quick edit
            return JsonResponse({"body": comment.body})
        if form.is_bound and wants_json(request):
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"errors": errors}, status=400)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Reply to a comment" if reply else "Quick edit",
            "form": form,
            "comment": comment,
            "reply": reply,
            "next_url": self._back(request, request.headers.get("Referer")),
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/comments/comment/respond.html", context, status=status
        )

    def personal_data_view(self, request: HttpRequest) -> HttpResponse:
        """Export or erase what the discussion holds about one email address."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "erase" in request.POST:
                count = personal_data.erase(email)
                self.message_user(
                    request, f"{count} comment(s) by {email} anonymised.", messages.SUCCESS
                )
                return HttpResponseRedirect(request.path)
            data = json.dumps(personal_data.export(email), indent=2, ensure_ascii=False)
            response = HttpResponse(data, content_type="application/json")
            response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Personal data of a commenter",
            "form": form,
        }
        return TemplateResponse(request, "admin/comments/comment/personal_data.html", context)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_instructor(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Comment | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_moderate_permission(request):
            fields.append("status")
        return fields

    def save_model(self, request: HttpRequest, obj: Comment, form, change: bool) -> None:
        """Save edits; a status change goes through Comment.moderate like the actions."""
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if obj.status != new_status:
            obj.moderate(new_status, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Delete one by one: Comment.delete locks each thread and closes its gap."""
        with transaction.atomic():
            for comment in queryset.select_related(None).order_by("-level"):
                comment.delete()

    def _moderate(self, request: HttpRequest, queryset: QuerySet, action: str, done: str) -> None:
        with transaction.atomic():
            comments = list(queryset.select_related(None).select_for_update())
            for comment in comments:
                getattr(comment, action)(by=request.user)
        noun = "comment" if len(comments) == 1 else "comments"
        self.message_user(request, f"{len(comments)} {noun} {done}.", messages.SUCCESS)

    @admin.action(permissions=["moderate"], description="Approve selected comments")
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, "approve", "approved")

    @admin.action(permissions=["moderate"], description="Mark selected comments as spam")
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, "mark_spam", "marked as spam")

    @admin.action(permissions=["moderate"], description="Move selected comments to the trash")
    def move_to_trash(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, "trash", "moved to the trash")

    @admin.action(
        permissions=["moderate"], description="Restore selected comments from spam or trash"
    )
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, "restore", "restored")


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label="Email address of the commenter")


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        (
            "Who can comment",
            {"fields": ["who_can_comment", "close_after_days_enabled", "close_after_days"]},
        ),
        (
            "Holding comments for moderation",
            {
                "fields": [
                    "hold_all",
                    "hold_link_count",
                    "moderation_words",
                    "require_previous_approval",
                    "disallowed_words",
                ]
            },
        ),
        (
            "Threads and pages",
            {"fields": ["thread_depth", "paginate", "threads_per_page", "order", "default_page"]},
        ),
        (
            "Commenters and email",
            {"fields": ["edit_window_minutes", "notify_post_author", "notify_instructors"]},
        ),
    ]
