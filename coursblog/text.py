"""The one rule for text people type: no control characters, and one line where one is meant.

Control characters (C0 but tab, line feed and carriage return; DEL; C1) have no
meaning in a title, a name or an essay, and they break what is built from the text:
email headers, XML feeds, HTML that validates, PostgreSQL (which refuses NUL).
Every field a person types is a ``PlainTextField`` (one line) or a
``PlainTextAreaField`` (several lines): forms refuse such characters with a clear
message and the text kept, and whatever path saves the model (autosave, imports,
the admin), what is stored is clean. The HTML sanitiser and the comment renderer
use the same rule.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Line breaks of every kind, and tabs, which a one-line field turns into spaces.
LINE_BREAKS = re.compile("[\r\n\t\u2028\u2029]+")
CONTROL_CHARACTERS_MESSAGE = (
    "This contains invisible control characters, which cannot be saved. "
    "Remove them (retyping the text is the surest way) and save again."
)
LINE_BREAKS_MESSAGE = "This must be a single line: remove the line breaks."


def without_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def single_line(value: str) -> str:
    """``value`` on one line, control characters gone: fit for an email header."""
    return " ".join(LINE_BREAKS.sub(" ", without_control_characters(value)).split())


def refuse_control_characters(value: str) -> None:
    """Validator: no control characters (tab and line breaks are allowed)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def refuse_line_breaks(value: str) -> None:
    """Validator for one-line fields: no control characters and no line breaks."""
    refuse_control_characters(value)
    if isinstance(value, str) and LINE_BREAKS.search(value.replace("\t", "")):
        raise ValidationError(LINE_BREAKS_MESSAGE, code="line_breaks")


class PlainTextField(models.CharField):
    """A one-line text field people type (a title, a name, a caption).

    Forms refuse control characters and line breaks; saving by any other path
    stores the value cleaned (see ``single_line``). Migrations see a CharField.
    """

    default_validators = [refuse_line_breaks]

    def pre_save(self, model_instance: models.Model, add: bool):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            cleaned = LINE_BREAKS.sub(" ", without_control_characters(value))
            if cleaned != value:
                setattr(model_instance, self.attname, cleaned)
            return cleaned
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class PlainTextAreaField(models.TextField):
    """Several lines of text people type (an excerpt, a list of authors, a comment).

    Forms refuse control characters (tab and line breaks are fine); saving by any
    other path stores the value without them. Migrations see a TextField.
    """

    default_validators = [refuse_control_characters]

    def pre_save(self, model_instance: models.Model, add: bool):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            cleaned = without_control_characters(value)
            if cleaned != value:
                setattr(model_instance, self.attname, cleaned)
            return cleaned
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


def clean_stored_rows(model, one_line: list[str], several_lines: list[str] = ()) -> int:
    """Remove control characters (and, in ``one_line`` fields, line breaks) from rows
    already stored; for data migrations (``model`` may be a historical model)."""
    fields = [*one_line, *several_lines]
    changed = []
    for row in model.objects.only("pk", *fields).iterator(chunk_size=1000):
        dirty = False
        for name in fields:
            value = getattr(row, name)
            if not isinstance(value, str):
                continue
            clean = (
                LINE_BREAKS.sub(" ", without_control_characters(value))
                if name in one_line
                else without_control_characters(value)
            )
            if clean != value:
                setattr(row, name, clean)
                dirty = True
        if dirty:
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)
