from django.apps import AppConfig
from django.db.models.signals import pre_save


class TopicsConfig(AppConfig):
    name = "topics"
    verbose_name = "Topics and tags"

    def ready(self) -> None:
        from taggit.models import Tag

        from topics.models import tag_name_on_one_line

        pre_save.connect(tag_name_on_one_line, sender=Tag, dispatch_uid="tag_name_on_one_line")
