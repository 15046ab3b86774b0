from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.roles import is_instructor
from images.models import Image
from images.processing import ImageRejected
from posts.models import Citation, Post, Source

SOURCE_FIELDS = [
    "authors", "title", "container", "edition", "publisher", "year", "url", "pages", "accessed",
]  # fmt: skip


class PostForm(forms.ModelForm):
    """The editor page's post fields. The body is sanitised when the post is saved."""

    featured_image = forms.ModelChoiceField(
        queryset=Image.objects.none(), required=False, widget=forms.HiddenInput
    )
    featured_image_file = forms.FileField(
        label="Featured image",
        required=False,
        help_text="JPEG, PNG, WebP or GIF, up to 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_featured_image = forms.BooleanField(label="Remove the featured image", required=False)

    class Meta:
        model = Post
        fields = [
            "title", "body", "excerpt", "featured_image", "featured_image_alt",
            "featured_image_caption", "featured_image_credit", "comments_open", "topics", "tags",
        ]  # fmt: skip
        widgets = {
            "body": forms.Textarea(attrs={"rows": 20, "class": "rich-text-source"}),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "excerpt": "A sentence or two for the home page (optional).",
            "topics": "The course topics your post is about (as many as fit).",
            "tags": "Comma-separated keywords: “Cold War, China”.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["title"].error_messages["required"] = "Give your post a title."
        own_images = Image.objects.all()
        if not is_instructor(user):
            own_images = own_images.filter(owner=user)
        if self.instance.featured_image_id:
            own_images = own_images | Image.objects.filter(pk=self.instance.featured_image_id)
        self.fields["featured_image"].queryset = own_images

    def clean_featured_image_file(self):
        upload = self.cleaned_data.get("featured_image_file")
        if not upload:
            return None
        try:
            image = Image.objects.create_from_upload(upload, owner=self.user)
        except ImageRejected as rejected:
            raise ValidationError(str(rejected), code="image_rejected") from None
        # Kept even if another field is wrong, so the image need not be uploaded again.
        self.data = self.data.copy()
        self.data["featured_image"] = str(image.pk)
        return image

    def clean(self):
        cleaned = super().clean()
        image = cleaned.get("featured_image_file") or cleaned.get("featured_image")
        if cleaned.get("remove_featured_image"):
            image = None
        cleaned["featured_image"] = image
        if image and not (cleaned.get("featured_image_alt") or "").strip():
            self.add_error(
                "featured_image_alt",
                "Describe the image for readers who cannot see it (alt text is required).",
            )
        return cleaned

    def save(self, commit: bool = True) -> Post:
        post = super().save(commit=False)
        post.featured_image = self.cleaned_data["featured_image"]
        if post.pk is None:
            post.author = self.user
        if commit:
            post.save()
            self._save_m2m()  # topics and tags
        return post


class SourceForm(forms.Form):
    """One entry of the Works Cited: an existing course source, or a new one."""

    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, widget=forms.HiddenInput
    )
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, last name first: “Steinberg, Mark D.”",
    )
    title = forms.CharField(required=False, max_length=500)
    container = forms.CharField(
        label="Container", required=False, max_length=500, help_text="Journal, website, book."
    )
    edition = forms.CharField(required=False, max_length=100)
    publisher = forms.CharField(required=False, max_length=300)
    year = forms.CharField(label="Year or date", required=False, max_length=40)
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https")
    pages = forms.CharField(required=False, max_length=100)
    accessed = forms.DateField(
        label="Access date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source is not None and any(
            (cleaned.get(name) or None) != (getattr(source, name) or None) for name in SOURCE_FIELDS
        ):
            # A course source edited here becomes this post's own entry; the shared
            # one, cited by other posts, stays as it was.
            cleaned["source"] = None
        if cleaned.get("source") is None and not (cleaned.get("title") or "").strip():
            typed = [name for name in SOURCE_FIELDS if cleaned.get(name)]
            if typed:
                self.add_error("title", "Give the source a title.")
        return cleaned

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return data.get("source") is None and not any(data.get(n) for n in SOURCE_FIELDS)


class BaseSourceFormSet(forms.BaseFormSet):
    def entries(self) -> list[Source | dict]:
        """The kept entries in their order: a Source, or the fields of a new one."""
        return [
            form.cleaned_data["source"]
            or {name: form.cleaned_data.get(name) or None for name in SOURCE_FIELDS}
            for form in self.ordered_forms
            if not form.is_empty()
        ]


SourceFormSet = forms.formset_factory(
    SourceForm, formset=BaseSourceFormSet, extra=1, can_delete=True, can_order=True
)


def initial_sources(post: Post) -> list[dict]:
    return [
        {
            "source": citation.source,
            **{name: getattr(citation.source, name) for name in SOURCE_FIELDS},
        }
        for citation in post.citations.select_related("source")
    ]


@transaction.atomic
def save_sources(post: Post, entries: list[Source | dict]) -> None:
    """Make ``entries`` the post's Works Cited, in order. A new entry that matches a
    course source exactly (same title and authors) reuses it."""
    post.citations.all().delete()
    for position, entry in enumerate(entries, start=1):
        if isinstance(entry, Source):
            source = entry
        else:
            fields = {name: value or "" for name, value in entry.items()}
            fields["accessed"] = entry.get("accessed")
            source = Source.objects.filter(
                title__iexact=fields["title"], authors__iexact=fields["authors"]
            ).first() or Source.objects.create(**fields)
        Citation.objects.get_or_create(post=post, source=source, defaults={"position": position})
