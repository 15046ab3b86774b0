from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("avatar/", views.avatar, name="avatar"),
    path("avatar/remove/", views.remove_avatar, name="remove_avatar"),
    path("feed/revoke/", views.revoke_feed, name="revoke_feed"),
]
