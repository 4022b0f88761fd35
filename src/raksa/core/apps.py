from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "raksa.core"
    label = "core"
    verbose_name = "Core"
