"""The production WSGI application, with the benchmark's URLconf (adds the baseline)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
