from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "raksa.tracking"
    label = "tracking"
    verbose_name = "Tracking"

    def ready(self) -> None:
        from raksa.cases.events import stage_change_register
        from raksa.tracking.services import stage_notify

        # cases may not import tracking: it tells tracking, through this handler, that a case reached a new stage.
        stage_change_register(stage_notify)
