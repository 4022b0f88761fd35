from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "raksa.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch"

    def ready(self) -> None:
        from raksa.dispatch import events  # noqa: F401  (declares dispatch's timeline kinds)
