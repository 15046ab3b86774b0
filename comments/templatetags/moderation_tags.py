from django import template

from accounts.roles import is_instructor
from comments import moderation

register = template.Library()


@register.inclusion_tag("comments/admin/held_notice.html", takes_context=True)
def held_comments_notice(context) -> dict:
    """The moderation queue's size, for the admin index; only for moderators."""
    user = context["request"].user
    if not is_instructor(user):
        return {"show": False}
    return {"show": True, "count": moderation.held_comment_count()}
