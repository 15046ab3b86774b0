from django import forms
from django.contrib import admin
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from coursblog.text import refuse_line_breaks
from topics.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class TagForm(forms.ModelForm):
    """A tag's name is typed text: the one rule for it (coursblog/text.py)."""

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        refuse_line_breaks(name)
        return name


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    form = TagForm
