"""The site's URLs plus the recursetree baseline, for the benchmark only."""

from django.urls import path

from bench.baseline import recursetree_page
from coursblog.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/recursetree/<slug:slug>/", recursetree_page, name="bench-recursetree"),
    *site_urlpatterns,
]
