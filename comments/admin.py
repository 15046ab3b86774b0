from django.contrib import admin, messages
from django.db import transaction
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
