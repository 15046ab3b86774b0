from django.contrib import admin

from coursblog.admin import SingletonModelAdmin
from course.models import CourseSettings
from participation.admin import ExpectationsInline, GradingScaleInline


@admin.register(CourseSettings)
class CourseSettingsAdmin(SingletonModelAdmin):
    # The course's weekly expectations and grading scale (participation/) are edited here.
    inlines = [ExpectationsInline, GradingScaleInline]
    fieldsets = [
        (None, {"fields": ["title", "tagline"]}),
        (
            "Who can read",
            {
                "fields": ["visibility"],
                "description": "A class-only or members-only blog is hidden from search "
                "engines, and its pages, feeds and pictures from everyone outside it.",
            },
        ),
        ("Joining", {"fields": ["join_code"]}),
        ("Writing", {"fields": ["review_before_publishing"]}),
        ("Anonymity", {"fields": ["anonymous_comments", "anonymous_posts"]}),
        ("End of term", {"fields": ["ended", "ended_on"]}),
    ]
