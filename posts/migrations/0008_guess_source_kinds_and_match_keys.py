"""Give every existing source a kind, and the key that finds it when typed again.

Before kinds, a source with a container was a part of something: a web page when
it has a URL, an article otherwise. A source without one was a book.
"""

from django.db import migrations

from posts.models import source_match_key, tidy_lines


def guess_kinds(apps, schema_editor):
    Source = apps.get_model("posts", "Source")
    for source in Source.objects.all():
        if source.container.strip():
            source.kind = "website" if source.url.strip() else "journal_article"
        else:
            source.kind = "book"
        # Sources saved from a textarea may hold "\r\n" between authors.
        source.authors = tidy_lines(source.authors)
        source.match_key = source_match_key(source.title, source.authors, source.year)
        source.save(update_fields=["kind", "authors", "match_key"])


def forget_kinds(apps, schema_editor):
    """Kinds and keys go with their columns; the tidied authors stay tidy."""


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0007_source_kinds_and_mla_elements"),
    ]

    operations = [migrations.RunPython(guess_kinds, forget_kinds)]
