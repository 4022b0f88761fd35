from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "raksa.api"
    label = "api"
    verbose_name = "API"
