from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("feed/revoke/", views.revoke_feed, name="revoke_feed"),
]
