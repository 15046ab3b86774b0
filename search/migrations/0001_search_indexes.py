"""The full-text indexes: FTS5 tables on SQLite (search/fts5.py), tables of documents
with GIN indexes on PostgreSQL (search/vectors.py), each kept in step by triggers.

Neither is a model (search owns no models), so the operation runs the SQL for the
database at hand and leaves the migration state alone.
"""

from django.db import migrations

from search import fts5, vectors

INSTALL = {"sqlite": fts5.install, "postgresql": vectors.install}
UNINSTALL = {"sqlite": fts5.uninstall, "postgresql": vectors.uninstall}


def create(apps, schema_editor):
    if install := INSTALL.get(schema_editor.connection.vendor):
        install(schema_editor.connection)


def drop(apps, schema_editor):
    if uninstall := UNINSTALL.get(schema_editor.connection.vendor):
        uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0008_guess_source_kinds_and_match_keys"),
        ("comments", "0006_anonymous_comments"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
