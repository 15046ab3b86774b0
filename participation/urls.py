from django.urls import path

from participation import views

app_name = "participation"
urlpatterns = [
    path("participation/", views.participation, name="report"),
    path("participation/export.csv", views.export, name="export"),
    path("participation/students/<int:pk>/", views.student, name="student"),
    path("participation/grades.csv", views.grades_csv, name="grades_csv"),
    path("participation/posts/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("participation/posts/<int:pk>/grade/", views.grade, name="grade"),
    path("participation/posts/<int:pk>/exemplary/", views.mark_post, name="mark_post"),
    path("participation/comments/<int:pk>/exemplary/", views.mark_comment, name="mark_comment"),
    path("participation/preferences/", views.preferences, name="preferences"),
    path("exemplary/", views.exemplary_work, name="exemplary"),
]
