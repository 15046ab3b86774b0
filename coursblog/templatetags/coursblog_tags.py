from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_datetime(value: datetime | None) -> str:
    """A `<time datetime>` value: ISO 8601 to the second, in the site's time zone."""
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
