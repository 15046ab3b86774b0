"""External log-in providers that django-allauth does not ship, written to its pattern."""
