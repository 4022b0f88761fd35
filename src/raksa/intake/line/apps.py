from django.apps import AppConfig


class LineConfig(AppConfig):
    name = "raksa.intake.line"
    label = "line"
    verbose_name = "LINE"
    # Stored webhook events are processed by the worker, not in the request (LINE waits at most 2 s for the 200);
    # an emergency whose location never came is submitted without one when its minute is up.
    sweeps = (
        ("raksa.intake.line.services.line_event_sweep", 1),
        ("raksa.intake.line.services.line_pending_sweep", 2),
    )

    def ready(self) -> None:
        from raksa.dispatch.services import dispatch_move_register
        from raksa.intake.line.services import PURPOSE, line_answer_outcome, line_dispatch_moved
        from raksa.notify.services import outcome_handler_register

        # dispatch may not import the LINE channel: it tells it, through this handler, that a team moved.
        dispatch_move_register(line_dispatch_moved)
        # Once an answer is delivered (or given up), the PIN it carried is taken out of the stored message.
        outcome_handler_register(PURPOSE, line_answer_outcome)
