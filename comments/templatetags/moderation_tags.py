from django import template

from comments import moderation

register = template.Library()


@register.inclusion_tag("comments/admin/held_notice.html", takes_context=True)
def held_comments_notice(context) -> dict:
    """The moderation queue's size, for the admin index; only for moderators."""
    user = context["request"].user
    if not user.has_perm("comments.moderate_comment"):
        return {"show": False}
    return {"show": True, "count": moderation.held_comment_count()}
