"""Coursblog's side of LTI 1.3: what django-lti (app ``lti_tool``) does not hold.

django-lti keeps the platform registrations (issuer, client id, its URLs), their
deployments, the tool's keys, and what launches and the roster report: LMS users
(``LtiUser``: a ``sub`` per registration, linked to a site member by ``auth_user``),
course contexts, memberships and line items. Here: the course a platform is bound to,
its embedding and account-matching settings, who the roster sync turned off, which
grade each LMS course's gradebook receives, and the scores sent to it.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from lti_tool.models import LtiContext, LtiLineItem, LtiRegistration

from coursblog.text import PlainTextField

# Browsers treat these as secure over plain HTTP (development and tests).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def origin_of(url: str) -> str:
    """``https://lms.example.edu`` for any address on that host ('' if it is not one)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_trustworthy_origin(origin: str) -> bool:
    """HTTPS, or HTTP on this machine: where a browser keeps Secure cookies."""
    parts = urlsplit(origin)
    return parts.scheme == "https" or (
        parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    )


class PlatformQuerySet(models.QuerySet):
    def active(self) -> PlatformQuerySet:
        return self.filter(registration__is_active=True)

    def frame_origins(self) -> list[str]:
        """Every active platform's LMS addresses: who may frame the LTI pages."""
        return sorted({origin for platform in self.active() for origin in platform.origins()})

    def for_registration(self, registration: LtiRegistration) -> Platform:
        platform, _ = self.get_or_create(
            registration=registration,
            defaults={"frame_origins": origin_of(registration.issuer)},
        )
        return platform


class Platform(models.Model):
    """The course's settings for one LMS registration.

    One course per platform, until the site hosts several: the first launch from a
    course context binds it, and launches from any other context are refused.
    """

    registration = models.OneToOneField(
        LtiRegistration, on_delete=models.CASCADE, related_name="coursblog_platform"
    )
    frame_origins = models.TextField(
        "LMS addresses",
        blank=True,
        help_text="The addresses of the LMS's pages that may show Coursblog in a frame, one "
        "per line (https://school.instructure.com). Canvas's issuer is not where its pages "
        "are: give your school's Canvas address.",
    )
    match_by_email = models.BooleanField(
        "match existing accounts by email",
        default=False,
        help_text="Link an LMS user seen for the first time to the site account whose "
        "verified email is the one the LMS sends. Off: the LMS user gets an account of "
        "their own.",
    )
    course_context = models.ForeignKey(
        LtiContext,
        verbose_name="LMS course",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set by the first launch from a course. Empty it to let another course "
        "of this LMS take the blog.",
    )
    objects = PlatformQuerySet.as_manager()

    class Meta:
        verbose_name = "LMS course"
        verbose_name_plural = "LMS courses"

    def __str__(self) -> str:
        course = self.course_context.title if self.course_context else "no course yet"
        return f"{self.registration.name}: {course}"

    def origins(self) -> list[str]:
        return [origin for line in self.frame_origins.splitlines() if (origin := origin_of(line))]

    def clean(self) -> None:
        wrong = [
            line.strip()
            for line in self.frame_origins.splitlines()
            if line.strip() and not is_trustworthy_origin(origin_of(line))
        ]
        if wrong:
            raise ValidationError(
                {
                    "frame_origins": f"Not an https:// address: {', '.join(wrong)}. "
                    "An LMS serves its pages over HTTPS."
                }
            )

    def accepts_context(self, context_id: str) -> bool:
        """May a launch from this LMS course context open the blog?"""
        return self.course_context is None or self.course_context.id_on_platform == context_id

    def gradebook_link(self) -> GradebookLink | None:
        """The gradebook settings of the bound LMS course, made on first use (None before
        the first launch from a course)."""
        if self.course_context is None:
            return None
        link, _ = GradebookLink.objects.get_or_create(
            context=self.course_context, defaults={"platform": self}
        )
        return link


def default_grade_source() -> str:
    """A new link sends what the deployment's settings.LTI_GRADE_SOURCE names."""
    return settings.LTI_GRADE_SOURCE


class GradebookLink(models.Model):
    """Which grade one LMS course's gradebook receives, in which column.

    One per LMS course context (so it stays right when the site hosts several courses);
    ``source`` is the dotted path of a grade source (participation/grades.py's
    LMS_SOURCES), ``label`` and ``maximum`` the column made in the LMS for it."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="gradebooks")
    context = models.OneToOneField(
        LtiContext,
        verbose_name="LMS course",
        on_delete=models.CASCADE,
        related_name="coursblog_gradebook",
    )
    source = models.CharField(
        "grade sent",
        max_length=200,
        default=default_grade_source,
        help_text="Weekly expectations: the weeks a student met the course's weekly "
        "expectations out of the weeks judged so far. Post grades: the mean of the "
        "student's graded posts, each as a share of full marks (points over the maximum; "
        "letters evenly spaced from the scale's best, full marks, to its worst, zero). "
        "Students with nothing to score yet are not sent.",
    )
    label = PlainTextField(
        "column name",
        max_length=100,
        default="Participation (Coursblog)",
        help_text="The name of the column Coursblog makes in the LMS gradebook at the first "
        "sending; rename it in the LMS afterwards.",
    )
    maximum = models.DecimalField(
        "maximum score",
        max_digits=7,
        decimal_places=2,
        default=100,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Scores are sent out of this: a student's share of full marks times it.",
    )
    line_item = models.ForeignKey(
        LtiLineItem,
        verbose_name="gradebook column",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "gradebook link"

    def __str__(self) -> str:
        return f"{self.context.title}: {self.label}"


class RosterDeparture(models.Model):
    """A member whose account the roster sync turned off because they left the LMS course.

    Only such accounts come back on by themselves (at their next launch or sync); one
    an instructor turned off stays off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_departure"
    )
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    left_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} left on {self.left_at:%Y-%m-%d}"


class SentScoreQuerySet(models.QuerySet):
    def failed(self) -> SentScoreQuerySet:
        return self.filter(status=SentScore.Status.FAILED)


class SentScore(models.Model):
    """The last score sent (or tried) for one member to one gradebook column.

    One record per member and column: sending again updates the LMS's score (AGS keeps
    the latest), and an unchanged score that arrived is not sent again."""

    class Status(models.TextChoices):
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    line_item = models.ForeignKey(LtiLineItem, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_scores"
    )
    score = models.FloatField()
    maximum = models.FloatField()
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SentScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line_item", "user"], name="one_score_per_column")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.score:g}/{self.maximum:g} ({self.status})"

    def is_current(self, score: float, maximum: float) -> bool:
        """Did exactly this score reach the LMS already?"""
        return self.status == self.Status.SENT and (self.score, self.maximum) == (score, maximum)
