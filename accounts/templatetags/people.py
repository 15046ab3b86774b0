from django import template

from accounts import people

register = template.Library()


@register.inclusion_tag("accounts/_byline_author.html", takes_context=True)
def post_author(context, post) -> dict:
    """The author of ``post`` as the reader may see them (accounts/people.py)."""
    return {"author": people.post_author(post, context["request"].user)}
