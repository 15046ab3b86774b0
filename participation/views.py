"""The participation page and the per-student view (instructors), private feedback,
grades and exemplary marks, the Exemplary work page and a member's preferences."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import people
from accounts.decorators import instructor_required
from accounts.models import User
from comments.fragments import fragment_parts
from comments.models import Comment
from course.privacy import mark_private_unless_public
from course.term import locked_reason
from participation import activity, charts, exemplary, grades, notifications, report, tables
from participation.forms import FeedbackForm, GradeForm, PreferencesForm, RangeForm
from participation.models import (
    Expectations,
    Grade,
    GradingScale,
    Preferences,
    PrivateFeedback,
    may_see_private,
)
from participation.weeks import Period
from posts.models import Post

KINDS = {
    "all": "Everything",
    "posts": "Posts published",
    "comments": "Comments written",
    "replies": "Replies to classmates",
    "received": "Replies received",
}


def _range_query(period: Period, **extra: str) -> str:
    return urlencode({"start": period.first_day, "end": period.last_day, **extra})


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_request(request: HttpRequest):
    expectations = Expectations.load()
    form = RangeForm(request.GET or None, expectations=expectations)
    period = form.period()
    built = report.build(period, expectations)
    sort, order = form.choice("sort", "name"), form.choice("order", "asc")
    built.sort(sort, descending=order == "desc")
    return form, built, sort, order


@instructor_required
@require_safe
def participation(request: HttpRequest) -> HttpResponse:
    """One row per student over whole weeks (the term by default), as totals or week by week."""
    form, built, sort, order = _report_request(request)
    period, expectations = built.period, built.expectations
    view = form.choice("view", "totals")
    class_weeks = built.class_weeks
    scale = max([1, *(record.counts.activity for row in built.rows for record in row.weeks)])
    rows = [
        {
            "record": row,
            "sparkline": charts.sparkline(row, scale=scale) if view == "totals" else "",
            "url": reverse("participation:student", args=[row.student.pk]),
        }
        for row in built.rows
    ]
    state = {"view": view, "sort": sort, "order": order}
    columns = [
        {
            "key": key,
            "label": label,
            "sorted": sort == key,
            "order": order,
            "url": "?"
            + _range_query(
                period,
                view=view,
                sort=key,
                order="desc" if sort == key and order == "asc" else "asc",
            ),
        }
        for key, (_, label) in report.COLUMNS.items()
    ]
    write_rows = tables.week_rows if view == "weeks" else tables.totals_rows
    context = {
        "form": form,
        "period": period,
        "expectations": expectations,
        "rows": rows,
        "table_rows": write_rows(
            rows, range_query=_range_query(period), judged=expectations.has_requirements
        ),
        "columns": {column["key"]: column for column in columns},
        "class_weeks": class_weeks,
        "class_chart": charts.class_chart(
            class_weeks, title=f"Posts and replies to classmates per week, {_span(period)}"
        ),
        "span": _span(period),
        "export_query": _range_query(period, **state),
        "presets": _presets(expectations, view),
        "view": view,
        "view_links": {
            name: "?" + _range_query(period, view=name, sort=sort, order=order)
            for name in ("totals", "weeks")
        },
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "participation/report.html", context, status=status)


def _span(period: Period) -> str:
    first, last = period.first_day, period.last_day
    return f"{first:%B} {first.day}, {first.year} – {last:%B} {last.day}, {last.year}"


def _presets(expectations: Expectations, view: str) -> list[tuple[str, str]]:
    choices = [
        ("This week", report.this_week(expectations)),
        ("Last week", report.this_week(expectations, -1)),
        ("Whole term", report.term(expectations)),
    ]
    return [(label, "?" + _range_query(period, view=view)) for label, period in choices]


@instructor_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The participation page as shown, as CSV."""
    form, built, _, _ = _report_request(request)
    by_week = form.choice("view", "totals") == "weeks"
    name = f"participation-{built.period.first_day}-{built.period.last_day}.csv"
    return _csv_response(report.to_csv(built, by_week=by_week), name)


@instructor_required
@require_safe
def student(request: HttpRequest, pk: int) -> HttpResponse:
    """One student's posts and comments over a period, in date order, with their context;
    what does not count (held, trashed, spam, drafts) shows, marked."""
    member = get_object_or_404(User, pk=pk)
    expectations = Expectations.load()
    form = RangeForm(request.GET or None, expectations=expectations)
    period = form.period()
    kind = request.GET.get("kind", "all")
    if kind not in KINDS:
        kind = "all"
    record = report.build(period, expectations, students=[member]).rows[0]
    scale = max([1, *(week.counts.activity for week in record.weeks)])
    items = activity.items(member, period, kind=kind, min_words=expectations.min_words_per_reply)
    context = {
        "member": member,
        "form": form,
        "period": period,
        "span": _span(period),
        "expectations": expectations,
        "record": record,
        "sparkline": charts.sparkline(record, scale=scale),
        "items": items,
        "kind": kind,
        "kind_label": KINDS[kind],
        "kinds": [
            (key, label, "?" + _range_query(period, kind=key)) for key, label in KINDS.items()
        ],
        "back_url": f"{reverse('participation:report')}?{_range_query(period)}",
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "participation/student.html", context, status=status)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back where the form was sent from (only to this site), or ``default``."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if safe and target else default)


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """Private feedback on a post (an instructor), or an answer in its exchange (the
    post's author or an instructor)."""
    post = get_object_or_404(Post.objects.visible_to(request.user).select_related("author"), pk=pk)
    parent_id = request.POST.get("parent", "")
    parent = None
    if parent_id:
        parent = get_object_or_404(
            PrivateFeedback.objects.filter(post=post), pk=parent_id if parent_id.isdigit() else 0
        )
    allowed = (
        parent.may_answer(request.user) if parent else PrivateFeedback.may_start(request.user, post)
    )
    form = FeedbackForm(request.POST)
    if not allowed:
        reason = locked_reason(request.user) if may_see_private(request.user, post) else ""
        if not reason:
            raise PermissionDenied
        context = {"post": post, "form": form, "parent": parent, "action": "feedback"}
        return render(
            request, "participation/private_form.html", context | {"locked": reason}, status=403
        )
    if form.is_valid():
        sent = PrivateFeedback.objects.create(
            post=post, parent=parent, author=request.user, body=form.cleaned_data["body"]
        )
        notifications.feedback_posted(sent)
        messages.success(request, "Sent. Only the post's author and the instructors can read it.")
        return redirect(f"{post.get_absolute_url()}#feedback-{sent.pk}")
    context = {"post": post, "form": form, "parent": parent, "action": "feedback"}
    return render(request, "participation/private_form.html", context, status=400)


@instructor_required
@require_POST
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    """Give, change or remove a post's grade."""
    post = get_object_or_404(Post.objects.select_related("author"), pk=pk)
    section = f"{post.get_absolute_url()}#{notifications.SECTION}"
    if request.POST.get("action") == "remove":
        Grade.objects.filter(post=post).delete()
        messages.success(request, "The grade is removed.")
        return redirect(section)
    form = GradeForm(request.POST, scale=GradingScale.load())
    if form.is_valid():
        given = form.save(post, by=request.user)
        notifications.grade_posted(given)
        messages.success(request, f"Graded {given}. Only the author and the instructors see it.")
        return redirect(section)
    context = {"post": post, "form": form, "action": "grade"}
    return render(request, "participation/private_form.html", context, status=400)


@instructor_required
@require_POST
def mark_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.published(), pk=pk)
    marked = request.POST.get("exemplary") == "1"
    exemplary.mark_post(post, by=request.user, exemplary=marked)
    messages.success(request, f"“{post.title}” is {'' if marked else 'no longer '}exemplary.")
    return _back(request, post.get_absolute_url())


@instructor_required
@require_POST
def mark_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.approved().select_related("post"), pk=pk)
    marked = request.POST.get("exemplary") == "1"
    exemplary.mark_comment(comment, by=request.user, exemplary=marked)
    messages.success(request, f"The comment is {'' if marked else 'no longer '}exemplary.")
    return _back(request, comment.get_absolute_url())


@require_safe
def exemplary_work(request: HttpRequest) -> HttpResponse:
    """The course's exemplary posts and comments that this reader may read."""
    posts = list(exemplary.listed_posts(request.user))
    comments = list(exemplary.listed_comments(request.user).select_related("user"))
    urls = Comment.objects.page_urls(comments)
    identities = people.sees_identities(request.user)
    shown = []
    for comment in comments:
        author, content = fragment_parts(comment.fragment_html) or fragment_parts(
            comment.fragment()
        )
        if comment.user_id is not None or comment.anonymous:  # as the thread shows them
            author = escape(people.comment_author_name(comment, identities))
        # The comment's stored markup, escaped and sanitised when it was saved.
        parts = {"author": mark_safe(author), "content": mark_safe(content)}  # noqa: S308
        shown.append({"comment": comment, "url": urls[comment.pk], **parts})
    mark_private_unless_public(request)
    return render(request, "participation/exemplary.html", {"posts": posts, "comments": shown})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=Preferences.of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your preferences are saved.")
        return redirect("participation:preferences")
    return render(request, "participation/preferences.html", {"form": form})


@instructor_required
@require_safe
def grades_csv(request: HttpRequest) -> HttpResponse:
    """Every grade: student, post, grade, date (UTF-8 with a byte-order mark)."""
    return _csv_response(grades.grades_csv(), "grades.csv")
