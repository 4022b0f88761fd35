from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "raksa.notify"
    label = "notify"
    verbose_name = "Notify"
