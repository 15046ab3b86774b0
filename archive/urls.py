from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [path("static-site/", views.static_site, name="static_site")]
