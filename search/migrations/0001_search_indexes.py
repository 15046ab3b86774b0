"""The full-text indexes: GIN indexes on PostgreSQL, FTS5 tables on SQLite.

Neither is a model's index (search owns no models), so the operations run SQL for the
database at hand and leave the migration state alone.
"""

from django.db import migrations

from search import fts5, vectors

MODELS = {
    "post": ("posts", "Post"),
    "comment": ("comments", "Comment"),
    "source": ("posts", "Source"),
}


def create(apps, schema_editor):
    _for_database(apps, schema_editor, fts5.install, schema_editor.add_index)


def drop(apps, schema_editor):
    _for_database(apps, schema_editor, fts5.uninstall, schema_editor.remove_index)


def _for_database(apps, schema_editor, on_sqlite, on_postgresql):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        on_sqlite(connection)
    elif connection.vendor == "postgresql":
        for kind, (app, model) in MODELS.items():
            on_postgresql(apps.get_model(app, model), vectors.index(kind))


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0008_guess_source_kinds_and_match_keys"),
        ("comments", "0006_anonymous_comments"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
