"""WSGI entry point, for WSGI-only hosting: `kefu serve` runs config.asgi with uvicorn,
which also carries the console's push socket."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()
