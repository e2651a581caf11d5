"""Background work of the indicators app, run by ``manage.py db_worker``."""

from __future__ import annotations

from django.tasks import task

from zhizao.indicators.services import progress_run_execute


@task()
def progress_refresh_task(*, run_id: int) -> int:
    """Recompute stored progress for a queued ``ProgressRun``; returns the rows written."""
    run = progress_run_execute(run_id=run_id)
    return run.rows if run is not None else 0
