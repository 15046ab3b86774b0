from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_save


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Participation and grades"

    def ready(self) -> None:
        from comments.models import Comment
        from participation import words
        from posts.models import Post

        # Word counts are kept beside posts and comments as they are saved (an extension
        # of writing, not part of its flow: see participation/words.py).
        post_save.connect(words.post_saved, sender=Post, dispatch_uid="participation-post-words")
        post_save.connect(
            words.comment_saved, sender=Comment, dispatch_uid="participation-comment-words"
        )
        connection_created.connect(words.register_sqlite_function)
