from django.urls import path

from topics import feeds, views

app_name = "topics"
urlpatterns = [
    path("topics/", views.topic_list, name="index"),
    path("topics/<slug:slug>/", views.topic_detail, name="detail"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="feed"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
]
