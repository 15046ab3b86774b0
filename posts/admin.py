from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from posts import publishing
from posts.models import Citation, Post, Source


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["position", "source"]
    verbose_name = "source"
    verbose_name_plural = "Works Cited"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "comments_open", "grade"]
    list_filter = ["status", "comments_open"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author", "grade"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["featured_image"]
    inlines = [CitationInline]
    actions = ["approve_and_publish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "body", "excerpt"]}),
        (
            "Featured image",
            {
                "fields": [
                    "featured_image",
                    "featured_image_alt",
                    "featured_image_caption",
                    "featured_image_credit",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "published_at", "comments_open"]}),
    ]

    # participation: the post's grade (participation.Grade), read in the list's own query.
    @admin.display(description="grade", ordering="grade__given_at")
    def grade(self, post: Post) -> str:
        return str(getattr(post, "grade", None) or "—")

    @admin.action(
        permissions=["change"], description="Approve and publish the selected submitted posts"
    )
    def approve_and_publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        submitted = list(queryset.filter(status=Post.Status.PENDING))
        for post in submitted:
            publishing.approve(post)
        self.message_user(request, f"{len(submitted)} submitted post(s) published.")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publisher", "year"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["authors", "title", "container", "publisher"]
