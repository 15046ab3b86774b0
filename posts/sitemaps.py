"""The sitemap search engines read: public posts only (course/visibility.py)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from posts.models import Post


class PublicPostsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.public().order_by("-published_at", "-pk")

    def lastmod(self, post: Post):
        return post.updated_at
