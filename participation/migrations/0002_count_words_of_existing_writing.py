"""Store the word count of every post and comment written before participation existed."""

import re

from django.db import migrations

from coursblog.html import plain_text

TAG = re.compile(r"<[^>]*>")


def count_words(html):
    """As participation.words.count_words when this was written."""
    return len(plain_text(TAG.sub(" ", html or "")).split())


def count_existing(apps, schema_editor):
    alias = schema_editor.connection.alias
    for model_name, app_label, words_name, field, html in (
        ("Post", "posts", "PostWords", "post", "body"),
        ("Comment", "comments", "CommentWords", "comment", "body_html"),
    ):
        model = apps.get_model(app_label, model_name)
        words_model = apps.get_model("participation", words_name)
        rows = []
        for item in model.objects.using(alias).only("pk", "body", html).iterator(chunk_size=1000):
            rows.append(
                words_model(
                    **{f"{field}_id": item.pk},
                    words=count_words(getattr(item, html)),
                    chars=len(item.body),
                )
            )
            if len(rows) == 1000:
                words_model.objects.using(alias).bulk_create(rows, ignore_conflicts=True)
                rows = []
        words_model.objects.using(alias).bulk_create(rows, ignore_conflicts=True)


def forget_counts(apps, schema_editor):
    alias = schema_editor.connection.alias
    apps.get_model("participation", "PostWords").objects.using(alias).all().delete()
    apps.get_model("participation", "CommentWords").objects.using(alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_participation_feedback_grades_and_word_counts"),
    ]

    operations = [migrations.RunPython(count_existing, forget_counts)]
