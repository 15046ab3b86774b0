from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from coursblog.views import healthz
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
    path("", include("topics.urls")),
    path("", include("posts.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]
