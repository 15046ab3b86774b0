from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count, ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils.html import format_html

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
    list_display = ["title", "written_by", "status", "published_at", "comments_open", "grade"]
    list_filter = ["status", "comments_open", "visibility", "anonymous"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author", "grade"]
    autocomplete_fields = ["author"]
    raw_id_fields = ["featured_image"]
    inlines = [CitationInline]
    actions = ["approve_and_publish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "body", "excerpt", "topics", "tags"]}),
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

    # The admin is the instructors': who wrote a post, anonymous to classmates or not.
    @admin.display(description="author", ordering="author__display_name")
    def written_by(self, post: Post) -> str:
        author = post.author
        name = f"{author.display_name} ({author.real_name})"
        return f"{name}, anonymous to classmates" if post.anonymous else name

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


class MergeSourcesForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Source.objects.none(),
        widget=forms.RadioSelect,
        label="Keep this source",
        error_messages={"required": "Choose the source to keep."},
    )

    def __init__(self, *args, sources: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = sources
        self.fields["keep"].label_from_instance = lambda source: format_html(
            '{} <span class="quiet">(cited by {} post{})</span>',
            source.mla_html(),
            source.citation_count,
            pluralize(source.citation_count),
        )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "citation_count"]
    list_filter = ["kind"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["authors", "title", "container", "publisher"]
    actions = ["merge_sources"]
    fields = [
        "kind", "authors", "title", "container", "contributors", "edition", "volume", "issue",
        "publisher", "year", "pages", "url", "accessed",
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Meta.ordering does not apply to GROUP BY queries (the search widget pages them).
        counted = super().get_queryset(request).annotate(citation_count=Count("citations"))
        return counted.order_by(*Source._meta.ordering)

    @admin.display(description="cited by posts", ordering="citation_count")
    def citation_count(self, source: Source) -> int:
        return source.citation_count

    @admin.action(permissions=["change"], description="Merge the selected duplicate sources")
    def merge_sources(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        """Choose the source to keep; the others' citations move to it and they go."""
        sources = queryset.order_by("-citation_count", "pk")
        if len(sources) < 2:
            self.message_user(request, "Select two or more sources to merge.", messages.WARNING)
            return None
        form = MergeSourcesForm(
            request.POST if "keep" in request.POST else None,
            sources=sources,
            initial={"keep": sources[0]},
        )
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            try:
                report = keep.absorb(source for source in sources if source.pk != keep.pk)
            except ProtectedError:  # a post began citing one of them meanwhile
                self.message_user(request, "Nothing was merged: try again.", messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged {report.deleted} source(s) into “{keep}”: {report.moved} citation(s) "
                f"moved to it, {report.combined} dropped from posts that already cited it.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge duplicate sources",
            "opts": self.model._meta,
            "form": form,
            "sources": sources,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/posts/source/merge_sources.html", context)
