from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class TopicsConfig(AppConfig):
    name = "topics"
    verbose_name = "Topics and tags"

    def ready(self) -> None:
        from taggit.models import Tag

        from topics.models import Topic, names_changed, tag_name_on_one_line

        pre_save.connect(tag_name_on_one_line, sender=Tag, dispatch_uid="tag_name_on_one_line")
        for model in (Topic, Tag):
            for signal in (post_save, post_delete):
                signal.connect(names_changed, sender=model, dispatch_uid=f"names_changed_{model}")
