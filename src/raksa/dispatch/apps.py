from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "raksa.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch"
    # The timers: acknowledge and on-scene due times that have passed (see raksa.core.worker).
    sweeps = (("raksa.dispatch.services.dispatch_timer_sweep", 5),)
    # Loaded before the web processes fork, so none loads the district outlines on its first emergency.
    warm = ("raksa.dispatch.geo.geo_warm",)

    def ready(self) -> None:
        from raksa.dispatch import events  # noqa: F401  (declares dispatch's timeline kinds)
        from raksa.dispatch.services import PURPOSE, dispatch_alert_outcome
        from raksa.notify.services import outcome_handler_register

        # notify may not import dispatch: it tells dispatch, through this handler, that an alert failed for good.
        outcome_handler_register(PURPOSE, dispatch_alert_outcome)
