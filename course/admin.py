from django.contrib import admin

from coursblog.admin import SingletonModelAdmin
from course.models import CourseSettings


@admin.register(CourseSettings)
class CourseSettingsAdmin(SingletonModelAdmin):
    pass
