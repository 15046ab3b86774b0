from django.contrib import admin

from coursblog.admin import SingletonModelAdmin
from course.models import CourseSettings
from participation.admin import ExpectationsInline, GradingScaleInline


@admin.register(CourseSettings)
class CourseSettingsAdmin(SingletonModelAdmin):
    # The course's weekly expectations and grading scale (participation/) are edited here.
    inlines = [ExpectationsInline, GradingScaleInline]
