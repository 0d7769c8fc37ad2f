"""Starting, running and tidying background jobs (docs/architecture.md §14)."""
import json
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job
from .registry import KINDS, JobError

logger = logging.getLogger(__name__)


def start_job(*, by, kind, params, total=0):
    """Record a job for ``by`` and put it on the task queue; return the job (run at once by the immediate
    backend, by ``manage.py db_worker`` otherwise)."""
    from .tasks import run_job

    if kind not in KINDS or not KINDS[kind].allowed(by):
        raise PermissionDenied
    purge_files()
    sweep_stalled()
    job = Job.objects.create(township=by.staff.township, created_by=by, kind=kind, label=str(KINDS[kind].label),
                             params=params, total=max(0, int(total or 0)))
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _progress_path(pk):
    return Path(settings.MEDIA_ROOT) / "jobs" / "progress" / f"{pk}.json"


def report_progress(job, done, total=None):
    """Write how far the job got where the page can read it at once.

    A file, not the job's row: an import writes in one long transaction, and its progress must be seen
    before that transaction commits (on SQLite no other connection may even write meanwhile)."""
    path = _progress_path(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": int(done), "total": int(total if total is not None else job.total),
                                     "at": timezone.now().isoformat()}))
    os.replace(temporary, path)


def _reported(pk):
    """What the job's worker last reported ({} before its first report)."""
    try:
        figures = json.loads(_progress_path(pk).read_text())
    except (OSError, ValueError):
        return {}
    return figures if isinstance(figures, dict) else {}


def current(job):
    """The job with the progress its worker last reported; a job whose worker has stopped reporting for
    ``JOB_STALE_MINUTES`` is marked failed first (``sweep_stalled``), so its page stops waiting."""
    if job.status == Job.Status.RUNNING:
        figures = _reported(job.pk)
        if _stalled(job, figures, timezone.now()):
            _give_up(job)
            return job
        job.done, job.total = figures.get("done", job.done), figures.get("total", job.total) or job.total
    return job


def _stalled(job, figures, now):
    """True if the running job has shown no sign of life (its start, its last progress report) for
    ``JOB_STALE_MINUTES``."""
    last = job.started_at or job.created_at
    try:
        reported = datetime.fromisoformat(figures["at"])
    except (KeyError, TypeError, ValueError):
        reported = None
    if reported is not None and reported.tzinfo is not None and (last is None or reported > last):
        last = reported
    return last is not None and now - last > timedelta(minutes=settings.JOB_STALE_MINUTES)


def _give_up(job):
    """Mark a stalled job failed, unless it finished meanwhile; tell its user to start it again."""
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The work stopped without finishing (the background worker was stopped or the server "
                    "restarted): nothing was made. Start it again.")
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, error=message, finished_at=now):
        logger.warning("background job %s (%s) stalled: no progress for %s minutes, marked failed",
                       job.pk, job.kind, settings.JOB_STALE_MINUTES)
        job.status, job.error, job.finished_at = Job.Status.FAILED, message, now
        _progress_path(job.pk).unlink(missing_ok=True)
    else:
        job.refresh_from_db()


def sweep_stalled(now=None):
    """Mark failed every running job whose progress has not advanced for ``JOB_STALE_MINUTES``: its
    worker died (killed, the server restarted) and nothing else would ever end it. Run at each new job
    and by ``manage.py purge_job_files``; a job's own page does the same for that job (``current``).

    A worker that was only slow and finishes later still records its result (done) over the failure."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    for job in Job.objects.filter(status=Job.Status.RUNNING, created_at__lt=cutoff):
        if _stalled(job, _reported(job.pk), now):
            _give_up(job)


def run(job_id):
    """Run one queued job as the user who started it; record its outcome or its error (in Chinese)."""
    job = Job.objects.select_related("created_by__staff").filter(pk=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        return  # already run (a task delivered twice) or removed
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    job.status = Job.Status.RUNNING
    user = job.created_by
    with translation.override(settings.LANGUAGE_CODE):
        try:
            kind = KINDS.get(job.kind)
            staff = getattr(user, "staff", None)
            # The right is checked again here: it may have been withdrawn since the job was started.
            if kind is None or not user.is_active or staff is None or staff.township_id != job.township_id \
                    or not kind.allowed(user):
                raise PermissionDenied
            outcome = kind.run(job, user, lambda done, total=None: report_progress(job, done, total))
        except PermissionDenied:
            _fail(job, _("You no longer have the right to do this: nothing was made."))
        except JobError as error:
            _fail(job, str(error))
        except Exception:
            logger.exception("background job %s (%s) failed", job.pk, job.kind)
            _fail(job, _("The work stopped on an unexpected error: nothing was written. Try again, or tell "
                         "the administrator."))
        else:
            _succeed(job, outcome)
    _progress_path(job.pk).unlink(missing_ok=True)


def _fail(job, message):
    job.status, job.error, job.finished_at = Job.Status.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def _succeed(job, outcome):
    if outcome.content is not None:
        job.file.save(outcome.file_name, ContentFile(outcome.content), save=False)
    job.file_name, job.row_count = outcome.file_name, outcome.row_count
    job.log_target, job.log_detail, job.result_url = outcome.log_target, outcome.log_detail, outcome.url
    job.status, job.finished_at = Job.Status.DONE, timezone.now()
    job.done = job.total = max(job.total, outcome.row_count, 1)
    job.save()
    supersede(job)


def supersede(job):
    """Delete the files of the user's earlier jobs of the same kind and filters: the new file replaces them."""
    for older in Job.objects.filter(created_by=job.created_by, kind=job.kind, pk__lt=job.pk,
                                    file_deleted_at__isnull=True).exclude(file=""):
        if older.params == job.params:
            _delete_file(older)


def purge_files(now=None):
    """Delete job files older than JOB_FILE_HOURS (the rows stay, as a record of what was made)."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.JOB_FILE_HOURS)
    for job in Job.objects.filter(finished_at__lt=cutoff, file_deleted_at__isnull=True).exclude(file=""):
        _delete_file(job, now)


def _delete_file(job, now=None):
    job.file.delete(save=False)
    job.file_deleted_at = now or timezone.now()
    job.save(update_fields=["file", "file_deleted_at"])
