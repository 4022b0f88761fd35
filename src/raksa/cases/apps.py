from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "raksa.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from raksa.cases import signals

        signals.connect()
