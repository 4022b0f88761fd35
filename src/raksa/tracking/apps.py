from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "raksa.tracking"
    label = "tracking"
    verbose_name = "Tracking"
