"""The baseline we measure against: a plain django-mptt site's ``{% recursetree %}`` page.

It is what a plain user of django-mptt would write, reading the same thread from
the same database as the post page and showing the same things per comment
(author, date as permalink, body, Reply link), the way django-mptt's documentation
shows:

- it loads only the columns such a site's comment model has (``PLAIN_COLUMNS``):
  none of this project's own (``fragment_html``, ``body_html``, ``user_agent``…);
- the comment text is the raw ``body``, rendered with Django's ``linebreaks``
  filter, as django-contrib-comments' own templates do. Of the ways a plain site
  shows untrusted text safely at request time it is the cheapest: ``urlize`` or a
  sanitiser costs over ten times as much per comment. A column sanitised when the
  comment is saved is what this project adds, so the baseline does not read one
  (it would save it a few percent of its page time);
- the post's URL is reversed once per page, not once per comment.

It is served only by the benchmark's URLconf.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from comments.models import Comment
from posts.models import Post

DESCRIPTION = (
    "plain django-mptt: {% recursetree %} over .only() a plain site's columns, "
    "body|linebreaks, the post URL reversed once"
)
# What a plain site's comment model has: author, text, date, and the tree.
PLAIN_COLUMNS = (
    "author_name",
    "author_url",
    "body",
    "created",
    "parent",
    "tree_id",
    "lft",
    "rght",
    "level",
)

TEMPLATE = """{% load mptt_tags %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ post.title }}</title></head><body>
<article><h1>{{ post.title }}</h1>{{ post.body|safe }}</article>
<section id="comments"><h2>{{ nodes|length }} thoughts on “{{ post.title }}”</h2>
<ol class="comment-list">
{% recursetree nodes %}<li id="comment-{{ node.pk }}" class="comment depth-{{ node.level|add:1 }}">
<article class="comment-body"><footer class="comment-meta"><b class="fn">{% if node.author_url %}<a href="{{ node.author_url }}" rel="external nofollow ugc">{{ node.author_name }}</a>{% else %}{{ node.author_name }}{% endif %}</b> <span class="says">says:</span>
<a href="{{ post_url }}#comment-{{ node.pk }}"><time datetime="{{ node.created|date:'c' }}">{{ node.created|date:"F j, Y \\a\\t g:i a" }}</time></a></footer>
<div class="comment-content">{{ node.body|linebreaks }}</div>
<div class="reply"><a class="comment-reply-link" href="?replytocom={{ node.pk }}#respond">Reply</a></div></article>
{% if not node.is_leaf_node %}<ol class="children">{{ children }}</ol>{% endif %}</li>
{% endrecursetree %}</ol></section></body></html>"""

_template = None


def recursetree_page(request: HttpRequest, slug: str) -> HttpResponse:
    global _template
    if _template is None:
        _template = engines["django"].from_string(TEMPLATE)
    post = get_object_or_404(Post.objects.published(), slug=slug)
    nodes = Comment.objects.filter(post=post, status=Comment.Status.APPROVED).only(*PLAIN_COLUMNS)
    context = {"post": post, "post_url": post.get_absolute_url(), "nodes": nodes}
    return HttpResponse(_template.render(context, request))
