import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import Truncator

from accounts.roles import is_instructor
from comments import personal_data
from comments.models import Comment, DiscussionSettings
from comments.report_admin import ReportedFilter  # also registers the reported-comments desk
from coursblog.admin import SingletonModelAdmin
from coursblog.html import plain_text


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "excerpt", "post", "status", "created"]
    list_display_links = ["excerpt"]
    list_filter = ["status", ReportedFilter, ("post", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["post", "user"]
    search_fields = ["author_name", "author_email", "author_url", "body", "user__username"]
    date_hierarchy = "created"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["approve", "mark_spam", "move_to_trash", "restore"]
    fields = [
        "post", "parent", "user", "author_name", "author_email", "author_url", "body", "status",
        "created", "ip_address", "user_agent", "moderated_by", "moderated_at",
    ]  # fmt: skip
    readonly_fields = [
        "post", "parent", "user", "created", "ip_address", "user_agent", "moderated_by",
        "moderated_at",
    ]  # fmt: skip

    @admin.display(description="Author", ordering="author_name")
    def author(self, comment: Comment) -> str:
        return comment.author_name if comment.user_id else f"{comment.author_name} (guest)"

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(plain_text(comment.body_html)).chars(90)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from the site's reply form

    def get_urls(self):
        view = self.admin_site.admin_view(self.personal_data_view)
        return [
            path("personal-data/", view, name="comments_comment_personal_data"),
            *super().get_urls(),
        ]

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
