from django.urls import path

from posts import editor, feeds, views

app_name = "posts"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/private/<str:token>/", feeds.LatestPostsFeed(), name="private_feed"),
    path("posts/<slug:slug>/", views.post_detail, name="detail"),
    path("posts/<slug:slug>/comments/feed/", feeds.PostCommentsFeed(), name="comments_feed"),
    path(
        "posts/<slug:slug>/comments/feed/private/<str:token>/",
        feeds.PostCommentsFeed(),
        name="private_comments_feed",
    ),
    path("archives/", views.archives, name="archives"),
    path("archives/<int:year>/<int:month>/", views.month_posts, name="month"),
    path("authors/<int:pk>/", views.author_posts, name="author"),
    path("sources/search/", views.source_search, name="source_search"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("write/", editor.write, name="write"),
    path("write/autosave/", editor.autosave, name="autosave_new"),
    path("write/<int:pk>/", editor.edit, name="edit"),
    path("write/<int:pk>/autosave/", editor.autosave, name="autosave"),
    path("write/<int:pk>/preview/", editor.preview, name="preview"),
    path("my-posts/", editor.my_posts, name="mine"),
    path("review/", editor.review_queue, name="review"),
]
