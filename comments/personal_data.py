"""What the discussion stores about a person, found by email address: export and erase.

Erasing anonymises rather than deletes, so the threads keep their shape: the name
becomes "Anonymous", and the email, website, IP address and browser are cleared.
The reports a member with that address made (comments/reports.py) are exported, and
erased (deleted) with the rest.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from comments.models import Comment, Report
from posts.models import Post

ANONYMOUS = "Anonymous"


def comments_of(email: str):
    return Comment.objects.filter(author_email__iexact=email.strip()).select_related("post")


def reports_of(email: str):
    """The reports made by the member whose account has ``email``."""
    return Report.objects.filter(reporter__email__iexact=email.strip())


def export(email: str) -> dict:
    """Everything stored about the commenter with ``email``, as JSON-ready data (a fixed
    number of queries, however many comments)."""
    comments = list(comments_of(email).select_related("user").order_by("created"))
    urls = Comment.objects.page_urls(comments)
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": comment.pk,
                "post": comment.post.title,
                "url": urls[comment.pk],
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.author_url,
                "text": comment.body,
                "status": comment.status,
                "created": comment.created.isoformat(),
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "notify_replies": comment.notify_replies,
                "account": comment.user.get_username() if comment.user_id else None,
            }
            for comment in comments
        ],
        "reports": [
            {
                "comment": report.comment_id,
                "reason": report.reason,
                "note": report.note,
                "created": report.created.isoformat(),
                "updated": report.updated.isoformat(),
            }
            for report in reports_of(email).order_by("created", "pk")
        ],
    }


@transaction.atomic
def erase(email: str) -> int:
    """Anonymise every comment by ``email`` and delete the reports its member made;
    return how many comments."""
    comments = list(comments_of(email).select_for_update().select_related(None))
    for comment in comments:
        comment.author_name = ANONYMOUS
        comment.author_email = comment.author_url = comment.user_agent = ""
        comment.ip_address = None
        comment.notify_replies = False
        comment.held_reason = ""  # a moderation word may have matched the email or address
        comment.render_fragment()  # the stored markup holds the name
    fields = ["author_name", "author_email", "author_url", "ip_address", "user_agent"]
    Comment.objects.bulk_update(
        comments, [*fields, "notify_replies", "held_reason", "fragment_html"]
    )
    Post.objects.filter(pk__in={comment.post_id for comment in comments}).discussion_changed()
    reports_of(email).delete()
    return len(comments)
