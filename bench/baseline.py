"""The baseline we measure against: plain django-mptt ``{% recursetree %}``.

It renders the same thread from the same database as the post page, with the same
content per comment (author, date as permalink, body, Reply link), the way
django-mptt's documentation shows. It is served only by the benchmark's URLconf.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from comments.models import Comment
from posts.models import Post

TEMPLATE = """{% load mptt_tags %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ post.title }}</title></head><body>
<article><h1>{{ post.title }}</h1>{{ post.body|safe }}</article>
<section id="comments"><h2>{{ nodes|length }} thoughts on “{{ post.title }}”</h2>
<ol class="comment-list">
{% recursetree nodes %}<li id="comment-{{ node.pk }}" class="comment depth-{{ node.level|add:1 }}">
<article class="comment-body"><footer class="comment-meta"><b class="fn">{% if node.author_url %}<a href="{{ node.author_url }}" rel="external nofollow ugc">{{ node.author_name }}</a>{% else %}{{ node.author_name }}{% endif %}</b> <span class="says">says:</span>
<a href="{{ post.get_absolute_url }}#comment-{{ node.pk }}"><time datetime="{{ node.created|date:'c' }}">{{ node.created|date:"F j, Y \\a\\t g:i a" }}</time></a></footer>
<div class="comment-content">{{ node.body_html|safe }}</div>
<div class="reply"><a class="comment-reply-link" href="?replytocom={{ node.pk }}#respond">Reply</a></div></article>
{% if not node.is_leaf_node %}<ol class="children">{{ children }}</ol>{% endif %}</li>
{% endrecursetree %}</ol></section></body></html>"""

_template = None


def recursetree_page(request: HttpRequest, slug: str) -> HttpResponse:
    global _template
    if _template is None:
        _template = engines["django"].from_string(TEMPLATE)
    post = get_object_or_404(Post.objects.published(), slug=slug)
    nodes = Comment.objects.filter(post=post, status=Comment.Status.APPROVED)
    return HttpResponse(_template.render({"post": post, "nodes": nodes}, request))
