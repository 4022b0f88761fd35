from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "raksa.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from raksa.core import checks  # noqa: F401  (registers the deployment checks)
