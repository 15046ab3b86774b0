import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from coursblog.views import healthz
from images.views import media
from posts.sitemaps import PublicPostsSitemap

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"posts": PublicPostsSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("images/", include("images.urls")),
    path("comments/", include("comments.urls")),
    path("lti/", include("lti.urls")),
    path("archive/", include("archive.urls")),
    path("admin/", admin.site.urls),
    path("wordpress/", include("wordpress.urls")),
    path("search/", include("search.urls")),
    path("", include("topics.urls")),
    path("", include("participation.urls")),
    path("", include("posts.urls")),
]

# Pictures: the web server serves public copies itself and asks this view for the rest,
# which checks the reader (images/publication.py). With SERVE_MEDIA the view serves the
# public copies too (development, a single machine).
if settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media, name="media")
    ]
