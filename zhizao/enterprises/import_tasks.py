"""Bulk imports in the background (issue 4, item 6: "runs as a background task with
progress shown"), run by ``manage.py db_worker``.

An import job is the uploaded file, kept under ``VAR_DIR/imports/<job id>/``, and a progress
record in the cache (``import_job_get``): status, rows read, the report's summary, the
result, and the error report's path when the file was refused. The cache is shared by the
web processes and the worker (a file cache in production); a job record lives for
``JOB_TTL`` seconds. It is kept in the cache for now rather than in a table: a model
``ImportJob`` (kind, file, status, counts, started_by, timestamps) would make jobs
permanent and listable, and needs a migration in ``enterprises``.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from zhizao.enterprises.domain import ImportKind
from zhizao.enterprises.imports import (
    ImportRefused,
    import_check,
    import_commit,
    import_error_report_xlsx,
)

JOB_TTL = 7 * 24 * 3600


def _key(job_id: str) -> str:
    return f"zhizao:import-job:{job_id}"


def _job_dir(job_id: str) -> Path:
    return Path(settings.VAR_DIR) / "imports" / job_id


def import_job_get(job_id: str) -> dict[str, Any] | None:
    job: dict[str, Any] | None = cache.get(_key(job_id))
    return job


def _update(job_id: str, **changes: Any) -> dict[str, Any]:
    job = import_job_get(job_id) or {"id": job_id}
    job.update(changes, updated_at=timezone.now().isoformat())
    cache.set(_key(job_id), job, JOB_TTL)
    return job


def import_job_start(
    *,
    actor: User | AnonymousUser | None,
    kind: ImportKind | str,
    upload: IO[bytes] | bytes,
    filename: str,
) -> str:
    """Keep the upload and queue its check and commit after the current transaction."""
    kind = ImportKind(kind)
    job_id = uuid.uuid4().hex
    folder = _job_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (Path(filename).name or "upload")
    if isinstance(upload, bytes):
        path.write_bytes(upload)
    else:
        upload.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out, 1 << 20)
    actor_id = actor.pk if isinstance(actor, User) else None
    _update(
        job_id,
        kind=kind.value,
        filename=path.name,
        path=str(path),
        status="queued",
        rows_read=0,
        rows_estimated=0,
        actor_id=actor_id,
    )
    transaction.on_commit(lambda: import_run_task.enqueue(job_id=job_id))
    return job_id


@task()
def import_run_task(*, job_id: str) -> str:
    """Check the job's file; commit it when every row passes, else keep the error report.
    Returns the final status: done, refused or failed."""
    job = import_job_get(job_id)
    if job is None:
        return "failed"
    actor = None
    if job.get("actor_id"):
        actor = get_user_model().objects.filter(pk=job["actor_id"]).first()
    _update(job_id, status="checking")

    def progress(read: int, estimated: int) -> None:
        _update(job_id, rows_read=read, rows_estimated=estimated)

    try:
        report = import_check(
            kind=job["kind"], file=job["path"], filename=job["filename"], progress=progress
        )
        if not report.ok:
            errors = _job_dir(job_id) / "errors.xlsx"
            errors.write_bytes(import_error_report_xlsx(report))
            _update(
                job_id,
                status="refused",
                message=report.describe(),
                problems=len(report.problems),
                rows_with_problems=report.rows_with_problems,
                error_report=str(errors),
            )
            return "refused"
        _update(job_id, status="committing", rows_read=report.rows_read)
        result = import_commit(actor=actor, report=report)
    except ImportRefused as exc:
        _update(job_id, status="refused", message=str(exc))
        return "refused"
    except Exception as exc:
        _update(job_id, status="failed", message=f"{type(exc).__name__}: {exc}")
        raise
    _update(
        job_id,
        status="done",
        message=result.describe(),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    return "done"
