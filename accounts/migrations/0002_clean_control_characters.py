from django.db import migrations

from coursblog.text import clean_stored_rows


def clean(apps, schema_editor):
    """Names may hold no control characters (coursblog/text.py): clean stored ones."""
    clean_stored_rows(apps.get_model("accounts", "User"), ["first_name", "last_name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_user")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
