import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
django_application = get_wsgi_application()

from raksa.intake.line.front import LineWebhookFront  # noqa: E402 (needs Django set up, just above)

# LINE's webhook is answered before Django's request handling (see front.py); everything else is Django's.
application = LineWebhookFront(django_application)
