from django import template
from django.utils.safestring import SafeString

from accounts import avatars, people

register = template.Library()


@register.inclusion_tag("accounts/_byline_author.html", takes_context=True)
def post_author(context, post, size: int = 24) -> dict:
    """The author of ``post`` as the reader may see them (accounts/people.py), with
    their avatar, ``size`` px square (the neutral one when the author is hidden)."""
    shown = people.post_author(post, context["request"].user)
    return {"author": shown, "avatar": people.author_avatar(post.author, shown).html(size)}


@register.simple_tag
def avatar(user, shown_name: str, size: int = 32, hidden: bool = False) -> SafeString:
    """``{% avatar user shown_name 32 hidden=anonymous %}``: the avatar beside a name
    (accounts/avatars.py); ``user`` None for a guest, ``hidden`` for an author the
    reader may not know (anonymous to classmates): then the neutral avatar."""
    return avatars.avatar_for(user, shown_name, hidden=hidden).html(size)
