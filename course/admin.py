from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from course.models import CourseSettings


@admin.register(CourseSettings)
class CourseSettingsAdmin(admin.ModelAdmin):
    """One record: the changelist goes straight to it; no adding, no deleting."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        settings = CourseSettings.load()
        return HttpResponseRedirect(
            reverse("admin:course_coursesettings_change", args=[settings.pk])
        )
