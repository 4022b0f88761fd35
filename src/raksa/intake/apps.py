from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "raksa.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from raksa.intake import events  # noqa: F401  (declares intake's timeline kinds)
