from django.urls import path

from wordpress import views

app_name = "wordpress"
urlpatterns = [
    path("comment-link/", views.comment_link, name="comment_link"),
]
