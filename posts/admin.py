from django.contrib import admin
from django.db import models

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
    list_display = ["title", "author", "status", "published_at", "comments_open"]
    list_filter = ["status", "comments_open"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    autocomplete_fields = ["author"]
    inlines = [CitationInline]
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


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publisher", "year"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["authors", "title", "container", "publisher"]
