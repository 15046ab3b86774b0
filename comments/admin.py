from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from comments.models import Comment
from coursblog.html import plain_text


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "excerpt", "post", "status", "created"]
    list_display_links = ["excerpt"]
    list_filter = ["status", ("post", admin.RelatedOnlyFieldListFilter)]
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

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments.moderate_comment")

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
