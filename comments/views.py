"""Views around one comment: its author's edit and delete, a member's report, and the
links sent by email."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.signing import BadSignature
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import people
from accounts.models import User
from accounts.roles import is_instructor
from comments import moderation, notifications, reports
from comments.forms import CommentEditForm, ReportForm
from comments.models import Comment, DiscussionSettings
from course.privacy import mark_private
from posts.models import Post

ACTION_METHODS = {"approve": "approve", "spam": "mark_spam", "trash": "trash"}


def _own_comment(request: HttpRequest, pk: int) -> tuple[Comment, DiscussionSettings, bool]:
    """The comment, the rules, and whether this reader may still change it.

    A comment on a post the reader may not see is not found (404): its id must not
    reveal that the post exists, let alone its title."""
    visible = Comment.objects.filter(post__in=Post.objects.visible_to(request.user))
    comment = get_object_or_404(visible.select_related("post"), pk=pk)
    rules = DiscussionSettings.load()
    allowed = moderation.can_change_own_comment(comment, request.user, request.session, rules)
    return comment, rules, allowed


def _too_late(request: HttpRequest, comment: Comment, rules: DiscussionSettings) -> HttpResponse:
    context = {"comment": comment, "minutes": rules.edit_window_minutes}
    return render(request, "comments/too_late.html", context, status=403)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment, rules, allowed = _own_comment(request, pk)
    if not allowed:
        return _too_late(request, comment, rules)
    form = CommentEditForm(request.POST or None, comment=comment, rules=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(comment)
    status = 400 if request.method == "POST" else 200
    return render(request, "comments/edit.html", {"form": form, "comment": comment}, status=status)


@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's own delete: to the trash, where an instructor can still restore it."""
    comment, rules, allowed = _own_comment(request, pk)
    if not allowed:
        return _too_late(request, comment, rules)
    comment.trash(by=request.user)
    return redirect(f"{comment.post.get_absolute_url()}#comments")


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A member reports a comment to the instructors (comments/reports.py: the rules).

    A guest is asked to log in (and a guest's POST is refused); a comment this
    member may not report (on a post they may not read, or not approved) is not
    found. Reporting again changes the member's report rather than adding one."""
    if not reports.may_report(request.user):
        if request.method == "POST":
            return render(request, "comments/report_log_in.html", status=403)
        return redirect_to_login(request.get_full_path())
    visible = reports.reportable_by(request.user).select_related("post", "user")
    comment = get_object_or_404(visible, pk=pk)
    mark_private(request)
    context = {
        "comment": comment,
        "comment_url": comment.get_absolute_url(),
        "author_name": people.comment_author_name(comment, people.sees_identities(request.user)),
    }
    if reports.is_own(comment, request.user):
        status = 403 if request.method == "POST" else 200
        return render(request, "comments/report.html", {**context, "own": True}, status=status)
    earlier = reports.report_of(comment, request.user)
    initial = {"reason": earlier.reason, "note": earlier.note} if earlier else {}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            filed = reports.file_report(comment, request.user, **form.cleaned_data)
        except reports.NotReportable:
            raise Http404("This comment can no longer be reported.") from None
        if filed.created:
            messages.success(
                request,
                "Thank you: your report went to the instructors. "
                "The comment stays up until they decide.",
            )
        else:
            messages.success(
                request,
                "You had already reported this comment: your report was changed, not sent again.",
            )
        return redirect(context["comment_url"])
    status = 400 if request.method == "POST" else 200
    context.update(form=form, earlier=earlier)
    return render(request, "comments/report.html", context, status=status)


def _signed_link(
    token: str, read: Callable[[str], dict[str, Any]]
) -> tuple[dict[str, Any] | None, Comment | None]:
    """An emailed link's claim and its comment; (None, None) when forged or expired."""
    try:
        claim = read(token)
    except BadSignature:
        return None, None
    return claim, Comment.objects.select_related("post").filter(pk=claim["c"]).first()


@require_http_methods(["GET", "POST"])
def moderate_from_email(request: HttpRequest, token: str) -> HttpResponse:
    """An instructor's signed link from a held-comment email: confirm, then act on POST.

    The link acts once, and only on the comment as it was when the email was sent:
    once anyone has moderated it since (or its author changed it), the page says
    what happened instead, so an old "approve" cannot undo a later "spam"."""
    claim, comment = _signed_link(token, notifications.read_moderation_token)
    if comment is None or "s" not in claim:
        return render(request, "comments/link_expired.html", status=400)
    instructor = User.objects.filter(pk=claim["u"], is_active=True).first()
    action = claim["a"]
    if instructor is None or action not in ACTION_METHODS:
        return render(request, "comments/link_expired.html", status=400)
    if not is_instructor(instructor):
        return render(request, "comments/link_expired.html", status=403)
    context = {
        "comment": comment,
        "action": action,
        "label": notifications.MODERATION_ACTIONS[action],
        "done": False,
        "moved_on": notifications.moderation_state(comment) != claim["s"],
    }
    if request.method == "POST" and not context["moved_on"]:
        with transaction.atomic():
            current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
            if current is None or notifications.moderation_state(current) != claim["s"]:
                context["moved_on"] = True
            else:
                getattr(current, ACTION_METHODS[action])(by=instructor)
                context["comment"], context["done"] = current, True
    status = 409 if request.method == "POST" and context["moved_on"] else 200
    return render(request, "comments/moderate_from_email.html", context, status=status)


# Mail clients' one-click unsubscribe (RFC 8058) POSTs without a CSRF token; the
# signed token is the check, and all it can do is stop emails.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    claim, comment = _signed_link(token, notifications.read_unsubscribe_token)
    if comment is None:
        return render(request, "comments/link_expired.html", status=400)
    done = False
    if request.method == "POST":
        Comment.objects.filter(post=comment.post, author_email__iexact=claim["e"]).update(
            notify_replies=False
        )
        done = True
    return render(request, "comments/unsubscribe.html", {"comment": comment, "done": done})
