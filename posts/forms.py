from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import pretty_name

from accounts.roles import is_instructor
from coursblog.text import refuse_line_breaks
from course import anonymity
from course.models import Audience, CourseSettings
from images.models import Image
from images.processing import ImageRejected
from posts import mla
from posts.models import Citation, Post, Source, tidy_lines, title_problem

# What the source search sends back for the editor to fill in.
SOURCE_FIELDS = ["kind", *mla.FIELDS]


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
            "visibility", "anonymous",
        ]  # fmt: skip
        widgets = {
            "body": forms.Textarea(attrs={"rows": 20, "class": "rich-text-source"}),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "excerpt": "A sentence or two for the home page (optional).",
            "topics": "The course topics your post is about (as many as fit).",
            "tags": "Comma-separated keywords: “Cold War, China”.",
            "anonymous": "Classmates and readers see “Anonymous classmate”; your instructors "
            "still see that you wrote it.",
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
        course = CourseSettings.load()
        if course.visibility == Audience.CLASS:
            del self.fields["visibility"]  # every post is for the class only already
        else:
            self.fields["visibility"].required = False  # not sent: stays as it is
        if not anonymity.may_post_anonymously(user, course):
            del self.fields["anonymous"]

    def clean_tags(self) -> list[str]:
        tags = self.cleaned_data.get("tags") or []
        for tag in tags:
            refuse_line_breaks(tag)  # the one rule for typed text (coursblog/text.py)
        return tags

    def clean_visibility(self) -> str:
        return self.cleaned_data.get("visibility") or self.instance.visibility

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
    """One entry of the Works Cited: a course source cited as it is, or typed details.

    Only the fields the kind uses are kept (mla.KIND_FIELDS); the editor hides the
    others, and without JavaScript says which each kind uses."""

    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(label="Kind of source", choices=Source.Kind.choices, required=False)
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, last name first: “Steinberg, Mark D.”",
    )
    title = forms.CharField(required=False, max_length=500)
    container = forms.CharField(
        label="Container", required=False, max_length=500, help_text="The larger work it is in."
    )
    contributors = forms.CharField(
        label="Other contributors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, last name first.",
    )
    edition = forms.CharField(required=False, max_length=100, help_text="For example “3rd ed.”")
    volume = forms.CharField(required=False, max_length=40)
    issue = forms.CharField(required=False, max_length=40)
    publisher = forms.CharField(required=False, max_length=300)
    year = forms.CharField(
        label="Year",
        required=False,
        max_length=40,
        help_text="Or the full date, for example “4 Jan. 2016”.",
    )
    pages = forms.CharField(required=False, max_length=100, help_text="For example “92-96”.")
    url = forms.URLField(label="URL", required=False, max_length=1000, assume_scheme="https")
    accessed = forms.DateField(
        label="Access date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When you read it online.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = Source.Kind.BOOK
        for name in mla.FIELDS:
            field = self.fields[name]
            # The model's rule for typed text (coursblog/text.py), refused with a message.
            field.validators.extend(type(Source._meta.get_field(name)).default_validators)
            field.label = _label(name)
            # For the editor's script: the kinds that use the field, and its label for each.
            field.kinds = " ".join(k for k in mla.KIND_FIELDS if mla.uses(k, name))
            field.labels = json.dumps({kind: _label(name, kind) for kind in mla.KIND_FIELDS})

    def clean_kind(self) -> str:
        """A form from before kinds existed sends none: the picked source's, or a book."""
        source = self.cleaned_data.get("source")
        return self.cleaned_data["kind"] or (source.kind if source else Source.Kind.BOOK)

    def clean_authors(self) -> str:
        return tidy_lines(self.cleaned_data["authors"])

    def clean_contributors(self) -> str:
        return tidy_lines(self.cleaned_data["contributors"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or Source.Kind.OTHER
        for name in mla.FIELDS:
            if not mla.uses(kind, name):
                cleaned[name] = None if name == "accessed" else ""
        source = cleaned.get("source")
        if source is not None and not source.has_details(cleaned):
            # Edited here: the typed details are this entry now (save_sources finds
            # the course's source for them, or adds one); the shared source stays.
            cleaned["source"] = None
        typed = cleaned.get("source") is None and not self._blank(cleaned)
        if typed and (problem := title_problem(kind, cleaned.get("title"), cleaned.get("authors"))):
            self.add_error("title", problem)
        return cleaned

    @staticmethod
    def _blank(data: dict) -> bool:
        return not any(data.get(name) for name in mla.FIELDS)

    def is_empty(self) -> bool:
        return self.cleaned_data.get("source") is None and self._blank(self.cleaned_data)

    def details(self) -> dict:
        """The typed details, as Source fields."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            **{name: data.get(name) or ("" if name != "accessed" else None) for name in mla.FIELDS},
        }


class BaseSourceFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this source from the Works Cited"

    def entries(self) -> list[Source | dict]:
        """The kept entries: a course Source cited as it is, or the details of one."""
        return [
            form.cleaned_data["source"] or form.details()
            for form in self.forms
            if not self._should_delete_form(form) and not form.is_empty()
        ]

    def listed_and_offered(self) -> tuple[list[SourceForm], SourceForm | None]:
        """The entries to show, and the one blank entry offered for a new source.

        A post with sources shows them and offers the blank entry behind "Add a
        source" (JavaScript replaces it with a button that adds as many as wanted);
        a post without any shows the blank entry itself."""
        listed, blank = [], []
        for number, form in enumerate(self.forms):
            new = number >= self.initial_form_count()
            fresh = new and not (form.is_bound and form.has_changed())
            (blank if fresh else listed).append(form)
        return listed, (blank[0] if blank else None)


def _label(name: str, kind: str = "") -> str:
    """A source field's label in the editor, for a kind or in general."""
    default = SourceForm.base_fields[name].label or pretty_name(name)
    return mla.label(name, kind, default) if kind else default


def source_kind_guide() -> list[tuple[str, list[str]]]:
    """Each kind of source with the fields it uses, for the editor without JavaScript."""
    return [
        (label, [_label(name, kind) for name in mla.KIND_FIELDS[kind]])
        for kind, label in Source.Kind.choices
    ]


SourceFormSet = forms.formset_factory(
    SourceForm, formset=BaseSourceFormSet, extra=1, can_delete=True
)


def initial_sources(post: Post) -> list[dict]:
    return [
        {
            "source": citation.source,
            "kind": citation.source.kind,
            **{name: getattr(citation.source, name) for name in mla.FIELDS},
        }
        for citation in post.works_cited()
    ]


@transaction.atomic
def save_sources(post: Post, entries: list[Source | dict]) -> list[str]:
    """Make ``entries`` the post's Works Cited, numbered in MLA order.

    A picked course source is cited as it is. Typed details find the course's source
    with the same title, authors and year (Source.objects.find_or_create), so typing
    a source again never makes a copy of it. Returns a note for each entry whose
    other details differed from the course's source it was matched to."""
    notes, sources = [], []
    for entry in entries:
        if isinstance(entry, Source):
            sources.append(entry)
            continue
        source, created = Source.objects.find_or_create(entry)
        if not created and not source.has_details(entry):
            notes.append(
                f"“{source.title or source}” is already one of the course's sources, so your "
                "entry cites it with the details it has. Ask your instructor if they need "
                "correcting."
            )
        sources.append(source)
    post.citations.all().delete()
    ordered = sorted(dict.fromkeys(sources), key=mla.sort_key)
    Citation.objects.bulk_create(
        Citation(post=post, source=source, position=position)
        for position, source in enumerate(ordered, start=1)
    )
    return notes
