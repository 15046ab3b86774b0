from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from comments import notifications
        from comments.models import comment_published

        # Emails are an extension of the discussion, not part of its flow: the model
        # announces an approval, the notifications module listens.
        comment_published.connect(notifications.on_comment_published)
