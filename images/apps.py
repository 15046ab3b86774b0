from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self) -> None:
        from course.models import CourseSettings
        from images import publication

        # Who may fetch pictures follows who may read the course (images/publication.py).
        post_save.connect(publication.course_audience_changed, sender=CourseSettings)
        post_migrate.connect(publication.after_migrate, sender=self)
