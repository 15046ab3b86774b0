from django.urls import path

from comments import views

app_name = "comments"
urlpatterns = [
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/report/", views.report, name="report"),
    path("moderate/<str:token>/", views.moderate_from_email, name="moderate"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
