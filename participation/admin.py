"""Participation in the admin: the course's expectations and grading scale (inlines of
Course settings), grades with their CSV, private feedback and exemplary marks.

Instructors may use all of it: the role decides (accounts/roles.py), not permissions
given one by one.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.roles import is_instructor
from participation.models import (
    ExemplaryComment,
    ExemplaryPost,
    Expectations,
    Grade,
    GradingScale,
    PrivateFeedback,
)


class ForInstructors:
    """Admin permissions follow the instructor role (accounts/roles.py)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_instructor(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_instructor(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_instructor(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_instructor(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_instructor(request.user)


class ExpectationsInline(ForInstructors, admin.StackedInline):
    """On the Course settings page: the weekly requirements."""

    model = Expectations
    can_delete = False
    min_num = max_num = 1
    fieldsets = [
        (None, {"fields": ["posts_per_week", "replies_per_week", "min_words_per_reply"]}),
        ("Weeks and term", {"fields": ["week_starts_on", "term_starts", "term_ends"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class GradingScaleInline(ForInstructors, admin.StackedInline):
    """On the Course settings page: how posts are graded."""

    model = GradingScale
    can_delete = False
    min_num = max_num = 1
    fields = ["kind", "out_of", "letters"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Grade)
class GradeAdmin(ForInstructors, admin.ModelAdmin):
    list_display = ["post", "student", "__str__", "given_at", "given_by"]
    list_select_related = ["post", "post__author", "given_by"]
    list_filter = ["given_at"]
    search_fields = ["post__title", "post__author__display_name", "post__author__last_name"]
    date_hierarchy = "given_at"
    raw_id_fields = ["post", "given_by"]
    readonly_fields = ["given_at", "given_by"]
    change_list_template = "admin/participation/grade/change_list.html"

    @admin.display(description="student", ordering="post__author__display_name")
    def student(self, grade: Grade) -> str:
        author = grade.post.author
        return f"{author.display_name} ({author.real_name})"

    def save_model(self, request, obj: Grade, form, change) -> None:
        obj.given_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PrivateFeedback)
class PrivateFeedbackAdmin(ForInstructors, admin.ModelAdmin):
    list_display = ["post", "author", "created", "excerpt"]
    list_select_related = ["post", "author"]
    search_fields = ["post__title", "body"]
    date_hierarchy = "created"
    raw_id_fields = ["post", "parent", "author"]

    @admin.display(description="feedback")
    def excerpt(self, feedback: PrivateFeedback) -> str:
        return feedback.body[:80]


class _MarkAdmin(ForInstructors, admin.ModelAdmin):
    list_display = ["__str__", "marked_by", "marked_at", "link"]
    list_select_related = ["marked_by"]
    readonly_fields = ["marked_by", "marked_at"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # marks are given on the site, where the work is read

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ExemplaryPost)
class ExemplaryPostAdmin(_MarkAdmin):
    list_select_related = ["marked_by", "post"]

    @admin.display(description="on the site")
    def link(self, mark: ExemplaryPost) -> str:
        return format_html('<a href="{}">View</a>', mark.post.get_absolute_url())


@admin.register(ExemplaryComment)
class ExemplaryCommentAdmin(_MarkAdmin):
    list_select_related = ["marked_by", "comment", "comment__post"]

    @admin.display(description="on the site")
    def link(self, mark: ExemplaryComment) -> str:
        url = f"{mark.comment.post.get_absolute_url()}#comment-{mark.comment_id}"
        return format_html('<a href="{}">View</a>', url)
