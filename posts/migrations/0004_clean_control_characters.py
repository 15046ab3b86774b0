from django.db import migrations

from coursblog.text import clean_stored_rows


def clean(apps, schema_editor):
    """Typed text may hold no control characters (coursblog/text.py): clean what was
    stored before the rule."""
    clean_stored_rows(
        apps.get_model("posts", "Post"),
        ["title", "featured_image_alt", "featured_image_caption", "featured_image_credit"],
        ["excerpt", "review_note"],
    )
    clean_stored_rows(
        apps.get_model("posts", "Source"),
        ["title", "container", "edition", "publisher", "year", "pages"],
        ["authors"],
    )


class Migration(migrations.Migration):
    dependencies = [("posts", "0003_post_discussion_version")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
