from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "raksa.demo"
    label = "demo"
    verbose_name = "Demo data"
