"""The documents carry what decides who may find them, and live in their table's own
pages (search/vectors.py): on PostgreSQL the tables are made again, with their
triggers, and filled from the indexed tables. Django learns of them as unmanaged
models (search/models.py), which need no change to the database.

Both this and 0001 build the tables as search/vectors.py now says (a new database
builds them twice, at no cost while empty); going back to 0001 rebuilds them too,
since what 0001 once built is no longer in the code. A later migration that changes
the documents or renames a column they copy rebuilds them the same way."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from search import vectors


def rebuild(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        vectors.uninstall(schema_editor.connection)
        vectors.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_indexes"),
        ("posts", "0008_guess_source_kinds_and_match_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(rebuild, rebuild, elidable=False),
        migrations.CreateModel(
            name="CommentDocument",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Held for moderation"),
                            ("approved", "Approved"),
                            ("spam", "Spam"),
                            ("trash", "Trash"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "post_status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("pending", "Submitted for review"),
                            ("published", "Published"),
                        ],
                        max_length=10,
                    ),
                ),
                ("post_published_at", models.DateTimeField(null=True)),
                ("post_visibility", models.CharField(editable=False, max_length=10)),
                (
                    "post_author",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        null=True,
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="posts.post",
                    ),
                ),
            ],
            options={
                "db_table": "search_comment_document",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="PostDocument",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("pending", "Submitted for review"),
                            ("published", "Published"),
                        ],
                        max_length=10,
                    ),
                ),
                ("published_at", models.DateTimeField(null=True)),
                ("visibility", models.CharField(editable=False, max_length=10)),
                (
                    "author",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        null=True,
                    ),
                ),
            ],
            options={
                "db_table": "search_post_document",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SourceDocument",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "search_source_document",
                "managed": False,
            },
        ),
    ]
