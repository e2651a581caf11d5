"""Background work of the enterprises app, run by ``manage.py db_worker``."""

from __future__ import annotations

from django.tasks import task

from zhizao.enterprises.services import evaluation_run_execute


@task()
def evaluation_run_task(*, run_id: int) -> int:
    """Carry out a queued ``EvaluationRun``; returns the number of enterprises evaluated."""
    run = evaluation_run_execute(run_id=run_id)
    return run.enterprises if run is not None else 0
