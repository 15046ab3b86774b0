"""Participation on other apps' pages: the private section of a post page (feedback and
grade, for the post's author and the instructors only) and a student's record on
"Your posts". Both are rendered for each reader, never inside a cached discussion."""

from __future__ import annotations

from django import template
from django.db.models import Count, Max, Q

from accounts.roles import is_instructor, is_student
from course.term import locked_reason
from participation import report
from participation.forms import FeedbackForm, GradeForm
from participation.models import (
    ExemplaryPost,
    Expectations,
    Grade,
    GradingScale,
    Preferences,
    PrivateFeedback,
    may_see_private,
)
from posts.models import Post

register = template.Library()


@register.inclusion_tag("participation/_private_section.html", takes_context=True)
def private_section(context, post: Post) -> dict:
    """The post's private feedback and grade, for its author and the instructors; nothing
    (and no query) for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or context.get("preview") or post.pk is None or not may_see_private(user, post):
        return {"shown": False}
    exchange = list(PrivateFeedback.objects.exchange(post))
    threads = [
        (message, [reply for reply in exchange if reply.parent_id == message.pk])
        for message in exchange
        if message.parent_id is None
    ]
    grade = Grade.objects.filter(post=post).select_related("given_by").first()
    instructor = is_instructor(user)
    section = {
        "shown": True,
        "post": post,
        "threads": threads,
        "grade": grade,
        "instructor": instructor,
        "locked": locked_reason(user),
        "csrf_token": context.get("csrf_token"),
    }
    if instructor:
        scale = GradingScale.load()
        initial = {}
        if grade is not None:
            initial = {"points": grade.points, "letter": grade.letter}
        grade_form = GradeForm(initial=initial, scale=scale, auto_id="grade_%s")
        section |= {
            "feedback_form": FeedbackForm(
                auto_id="feedback_%s", label=f"Private feedback to {post.author.display_name}"
            ),
            "grade_field": next(iter(grade_form)),
            "marked": ExemplaryPost.objects.filter(post=post).exists(),
            "opted_out": not Preferences.of(post.author).list_exemplary,
        }
    return section


@register.inclusion_tag("participation/_your_record.html", takes_context=True)
def your_participation(context) -> dict:
    """On "Your posts": a student's weeks this term, and the grades and feedback on
    their posts."""
    user = context["request"].user
    graded = (
        Post.objects.filter(author=user)
        .filter(Q(grade__isnull=False) | Q(private_feedback__isnull=False))
        .annotate(
            feedback_count=Count("private_feedback"), last_feedback=Max("private_feedback__created")
        )
        .select_related("grade")
        .order_by("-published_at", "-pk")
    )
    result = {"graded": list(graded), "record": None}
    if is_student(user):
        expectations = Expectations.load()
        period = report.term(expectations)
        result["record"] = report.build(period, expectations, students=[user]).rows[0]
        result["expectations"] = expectations
    return result
