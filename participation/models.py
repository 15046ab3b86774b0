"""Participation: the course's weekly expectations, private feedback and grades on posts,
exemplary work, and each member's preferences about them.

Private feedback and grades are models of their own, never comments: they cannot
count in a discussion's "N thoughts", appear in its feeds or its cached markup, or
be counted as replies, whatever those do.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.utils import timezone

from accounts.roles import is_instructor
from coursblog.html import render_comment_html
from coursblog.text import PlainTextAreaField, PlainTextField
from course.models import CourseSettings, SiteVersion
from course.term import locked_reason

FEEDBACK_MAX_LENGTH = 20000


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Expectations(models.Model):
    """What a student is expected to do each week, set by the instructor with the
    course's settings. A week is met when every requirement is."""

    course = models.OneToOneField(
        CourseSettings, on_delete=models.CASCADE, primary_key=True, related_name="expectations"
    )
    posts_per_week = models.PositiveSmallIntegerField(
        default=1, help_text="Posts each student publishes every week. 0: no requirement."
    )
    replies_per_week = models.PositiveSmallIntegerField(
        "replies to classmates per week",
        default=2,
        help_text="Comments on someone else's post, or replies to someone else's comment. "
        "0: no requirement.",
    )
    min_words_per_reply = models.PositiveSmallIntegerField(
        "minimum words per reply",
        default=0,
        help_text="Shorter replies still count as comments, but not toward the weekly "
        "replies. 0: any length.",
    )
    week_starts_on = models.PositiveSmallIntegerField(
        "weeks start on", choices=Weekday, default=Weekday.MONDAY
    )
    term_starts = models.DateField(
        null=True,
        blank=True,
        help_text="The participation page counts the term from this day. "
        "Empty: from the first published post.",
    )
    term_ends = models.DateField(null=True, blank=True, help_text="Empty: up to today.")

    class Meta:
        verbose_name = "weekly expectations"
        verbose_name_plural = "weekly expectations"

    def __str__(self) -> str:
        return "Weekly expectations"

    @classmethod
    def load(cls) -> Expectations:
        """The course's expectations, created with the defaults the first time."""
        expectations, _ = cls.objects.get_or_create(course=CourseSettings.load())
        return expectations

    def clean(self) -> None:
        if self.term_starts and self.term_ends and self.term_ends < self.term_starts:
            raise ValidationError({"term_ends": "The term cannot end before it starts."})

    @property
    def has_requirements(self) -> bool:
        return bool(self.posts_per_week or self.replies_per_week)

    def is_met(self, counts) -> bool:
        """Did a week's ``counts`` (participation.counting.WeekCounts) meet every requirement?"""
        return counts.posts >= self.posts_per_week and counts.long_replies >= self.replies_per_week

    def describe(self) -> str:
        """ "1 post and 2 replies to classmates (at least 50 words each) a week"."""
        parts = []
        if self.posts_per_week:
            parts.append(f"{self.posts_per_week} post{'s' if self.posts_per_week != 1 else ''}")
        if self.replies_per_week:
            replies = f"{self.replies_per_week} repl{'ies' if self.replies_per_week != 1 else 'y'}"
            replies += " to classmates"
            if self.min_words_per_reply:
                replies += f" (at least {self.min_words_per_reply} words each)"
            parts.append(replies)
        return " and ".join(parts) + " a week" if parts else "No weekly requirements"


class GradingScale(models.Model):
    """How the course grades posts: points out of a maximum, or letters."""

    class Kind(models.TextChoices):
        POINTS = "points", "Points out of a maximum"
        LETTER = "letter", "Letters"

    course = models.OneToOneField(
        CourseSettings, on_delete=models.CASCADE, primary_key=True, related_name="grading_scale"
    )
    kind = models.CharField(
        "grade posts with", max_length=10, choices=Kind.choices, default=Kind.POINTS
    )
    out_of = models.DecimalField(
        "points out of",
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    letters = PlainTextAreaField(
        default="A\nA-\nB+\nB\nB-\nC+\nC\nC-\nD+\nD\nF",
        help_text="The letters you give, one per line, best first.",
    )

    class Meta:
        verbose_name = "grading scale"

    def __str__(self) -> str:
        return self.get_kind_display()

    @classmethod
    def load(cls) -> GradingScale:
        scale, _ = cls.objects.get_or_create(course=CourseSettings.load())
        return scale

    @property
    def letter_choices(self) -> list[str]:
        return [line.strip() for line in self.letters.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind == self.Kind.LETTER and not self.letter_choices:
            raise ValidationError({"letters": "Give at least one letter."})
        if any(len(letter) > Grade.LETTER_MAX_LENGTH for letter in self.letter_choices):
            raise ValidationError(
                {"letters": f"A letter grade has at most {Grade.LETTER_MAX_LENGTH} characters."}
            )


def may_see_private(user, post) -> bool:
    """Private feedback and the grade of ``post`` are for its author and the instructors."""
    return user.is_authenticated and (user.pk == post.author_id or is_instructor(user))


class PrivateFeedbackQuerySet(models.QuerySet):
    def exchange(self, post) -> PrivateFeedbackQuerySet:
        """The post's private exchange in reading order (each reply after what it answers)."""
        return self.filter(post=post).select_related("author").order_by("created", "pk")


class PrivateFeedback(models.Model):
    """A private message on a post between the instructors and the post's author.

    An instructor starts an exchange; the author and the instructors answer it
    (``parent``: the message that started it). All of it is private.
    """

    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="private_feedback"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = PlainTextAreaField("feedback", max_length=FEEDBACK_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    created = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PrivateFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = "private feedback"
        verbose_name_plural = "private feedback"

    def __str__(self) -> str:
        return f"Private feedback on {self.post}"

    def save(self, *args, **kwargs) -> None:
        # Replies attach to the message that started the exchange: one level deep.
        if self.parent_id and self.parent.parent_id:
            self.parent = self.parent.parent
        if self.parent_id and self.parent.post_id != self.post_id:
            raise ValueError("A reply must be on the same post as what it answers.")
        self.body_html = render_comment_html(self.body)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    save.alters_data = True

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#feedback-{self.pk}"

    @staticmethod
    def may_start(user, post) -> bool:
        """Instructors start an exchange on any post."""
        return is_instructor(user)

    def may_answer(self, user) -> bool:
        """The post's author and the instructors, until the course ends (course/term.py)."""
        return may_see_private(user, self.post) and not locked_reason(user)

    def clean(self) -> None:
        if self.parent_id and self.parent.post_id != self.post_id:
            raise ValidationError("A reply must be on the same post as what it answers.")


class Grade(models.Model):
    """A post's grade, for its author and the instructors. Grading again replaces it."""

    LETTER_MAX_LENGTH = 10

    post = models.OneToOneField("posts.Post", on_delete=models.CASCADE, related_name="grade")
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    out_of = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The maximum when the grade was given (a later change of scale leaves it).",
    )
    letter = PlainTextField(max_length=LETTER_MAX_LENGTH, blank=True)
    given_at = models.DateTimeField(default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(points__isnull=False, letter="", out_of__isnull=False))
                | (models.Q(points__isnull=True, out_of__isnull=True) & ~models.Q(letter="")),
                name="grade_is_points_or_letter",
                violation_error_message="A grade is either points out of a maximum or a letter.",
            )
        ]

    def __str__(self) -> str:
        if self.letter:
            return self.letter
        return f"{format_number(self.points)} / {format_number(self.out_of)}"

    @property
    def fraction(self) -> float | None:
        """Points as a share of the maximum (None for a letter)."""
        if self.points is None or not self.out_of:
            return None
        return float(self.points / self.out_of)


def format_number(value: Decimal | None) -> str:
    """8.50 → "8.5", 10.00 → "10"."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ExemplaryMark(models.Model):
    """An instructor's mark: this work is an example to follow (see exemplary.py)."""

    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ExemplaryPost(ExemplaryMark):
    post = models.OneToOneField(
        "posts.Post", on_delete=models.CASCADE, primary_key=True, related_name="exemplary_mark"
    )

    class Meta:
        verbose_name = "exemplary post"

    def __str__(self) -> str:
        return str(self.post)


class ExemplaryComment(ExemplaryMark):
    comment = models.OneToOneField(
        "comments.Comment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="exemplary_mark",
    )

    class Meta:
        verbose_name = "exemplary comment"

    def __str__(self) -> str:
        return str(self.comment)


class Preferences(models.Model):
    """A member's choices about feedback email and exemplary work (defaults: both on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="participation_preferences",
    )
    email_feedback = models.BooleanField(
        "email me when I get private feedback or a grade", default=True
    )
    list_exemplary = models.BooleanField(
        "show my work among the course's exemplary work",
        default=True,
        help_text="When an instructor marks a post or comment of yours as exemplary, it gets "
        "a badge and is listed on the Exemplary work page.",
    )
    keyboard_shortcuts = models.BooleanField(
        "keyboard shortcuts for moderating comments",
        default=False,
        help_text="In the admin's comment list: j and k move between comments; a approves, "
        "u unapproves, s marks as spam, t trashes and r replies.",
    )

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    def save(self, *args, **kwargs) -> None:
        """Badges on pages follow ``list_exemplary``: a change is a change of every page."""
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            SiteVersion.raise_version(using)

    save.alters_data = True

    @classmethod
    def of(cls, user) -> Preferences:
        """The member's preferences (the defaults, unsaved, if they never chose)."""
        return cls.objects.filter(user=user).first() or cls(user=user)


class WordCount(models.Model):
    """Words of a post's or comment's text, kept by participation/words.py (see there).

    A cache of the text, not content of its own: deleting a post or a comment does not
    delete it with them (deletions count and list only what people wrote), and the
    ``count_words`` command clears what is left. Ids are never reused, so a count left
    behind is never read."""

    words = models.PositiveIntegerField()
    chars = models.PositiveIntegerField(help_text="The length of the text it was counted from.")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.words} words"


class PostWords(WordCount):
    post = models.OneToOneField(
        "posts.Post",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="word_count",
    )


class CommentWords(WordCount):
    comment = models.OneToOneField(
        "comments.Comment",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="word_count",
    )
