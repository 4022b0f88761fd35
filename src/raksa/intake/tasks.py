"""Background work of intake: a task loads its report and calls a service, nothing more."""

from __future__ import annotations

from django_tasks import task

from raksa.intake.models import Report
from raksa.intake.services import report_process_attempt


@task()
def report_process_task(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).first()
    if report is None or report.state == Report.State.PROCESSED:
        return
    report_process_attempt(report=report)
