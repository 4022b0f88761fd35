from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "raksa.notify"
    label = "notify"
    verbose_name = "Notify"
    # The worker's pass over the outbox (see raksa.core.worker): a quarter second, because an emergency alert
    # must reach a phone within a second of the report.
    sweeps = (("raksa.notify.services.outbox_sweep", 0.25),)
