"""WSGI entry point, for gunicorn: ``gunicorn coursblog.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")

application = get_wsgi_application()
