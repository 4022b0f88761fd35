from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "raksa.intake"
    label = "intake"
    verbose_name = "Intake"
    # The worker's pass over reports left unprocessed or due a retry (see raksa.core.worker).
    sweeps = (("raksa.intake.services.report_sweep", 15),)

    def ready(self) -> None:
        from raksa.cases.access import volunteer_follow_check_register
        from raksa.intake import events  # noqa: F401  (declares intake's timeline kinds)
        from raksa.intake.volunteer.selectors import volunteer_reported

        # cases may not import intake: it asks, through this check, whether a volunteer follows a case.
        volunteer_follow_check_register(volunteer_reported)
