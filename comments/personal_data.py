"""What the discussion stores about a person, found by email address: export and erase.

Erasing anonymises rather than deletes, so the threads keep their shape: the name
becomes "Anonymous", and the email, website, IP address and browser are cleared.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from posts.models import Post

ANONYMOUS = "Anonymous"


def comments_of(email: str):
    return Comment.objects.filter(author_email__iexact=email.strip()).select_related("post")


def export(email: str) -> dict:
    """Everything stored about the commenter with ``email``, as JSON-ready data."""
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": comment.pk,
                "post": comment.post.title,
                "url": comment.get_absolute_url(),
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
            for comment in comments_of(email).select_related("user").order_by("created")
        ],
    }


@transaction.atomic
def erase(email: str) -> int:
    """Anonymise every comment by ``email``; return how many."""
    post_ids = set(comments_of(email).values_list("post_id", flat=True))
    Post.objects.filter(pk__in=post_ids).discussion_changed()
    return comments_of(email).update(
        author_name=ANONYMOUS,
        author_email="",
        author_url="",
        ip_address=None,
        user_agent="",
        notify_replies=False,
        fragment_html="",  # made again, with the new name, when next shown
    )
