"""Starting, running and tidying background jobs (docs/architecture.md §14)."""
import json
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job
from .registry import KINDS, JobError

logger = logging.getLogger(__name__)


def start_job(*, by, kind, params, total=0, subject=None):
    """Record a job for ``by`` and put it on the task queue; return the job (run at once by the immediate
    backend, by ``manage.py db_worker`` otherwise).

    ``subject``: the case the work is about (its township is the job's). Called inside a transaction,
    the job and its task row are written with it: the worker sees neither unless it commits."""
    from .tasks import run_job

    if kind not in KINDS or not KINDS[kind].allowed(by):
        raise PermissionDenied
    purge_files()
    sweep_stalled()
    about = {}
    if subject is not None:
        about = {"subject_type": ContentType.objects.get_for_model(subject), "subject_id": subject.pk}
    job = Job.objects.create(township=subject.township if subject is not None else by.staff.township,
                             created_by=by, kind=kind, label=str(KINDS[kind].label), params=params,
                             total=max(0, int(total or 0)), **about)
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def jobs_about(subject, kind):
    """The jobs of this kind about this case, newest first."""
    return Job.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
                              kind=kind)


def may_see(user, job):
    """Whether ``user`` may see this job: for work about a case, whoever may see the case; otherwise
    only the user who started it, in their township."""
    kind = KINDS.get(job.kind)
    if kind is not None and kind.sees is not None and job.subject_id is not None:
        return bool(kind.sees(user, job))
    staff = getattr(user, "staff", None)
    return staff is not None and job.created_by_id == user.pk and staff.township_id == job.township_id


def retry(job, *, by):
    """Start the failed ``job`` again, as ``by`` (who sees it and holds the kind's right); return the new job."""
    kind = KINDS.get(job.kind)
    if not job.retryable or not may_see(by, job) or not kind.allowed(by):
        raise PermissionDenied
    with transaction.atomic():
        # Pressed twice, or by two people at once: the failed job's row is locked while the first press looks
        # for a newer run and starts one, so the second finds it (a case gets one dossier per archiving).
        Job.objects.select_for_update().filter(pk=job.pk).first()
        subject = job.subject_type.get_object_for_this_type(pk=job.subject_id) if job.subject_id else None
        if subject is not None:
            again = jobs_about(subject, job.kind).filter(pk__gt=job.pk).exclude(status=Job.Status.FAILED).first()
            if again is not None:
                return again
        return start_job(by=by, kind=job.kind, params=job.params, total=job.total, subject=subject)


def run_queued(*kinds):
    """Run the queued jobs of these kinds now, in this process: the demo loader makes each archived case's
    dossier on its archiving day, through the same job a worker runs (a worker later finds them done)."""
    for pk in Job.objects.filter(kind__in=kinds, status=Job.Status.QUEUED).order_by("pk").values_list("pk", flat=True):
        run(pk)


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


def current(job, user=None):
    """The job with the progress its worker last reported (and, given the viewer, whether they may retry it);
    a job whose worker has stopped reporting for ``JOB_STALE_MINUTES`` is marked failed first
    (``sweep_stalled``), so its page stops waiting."""
    kind = KINDS.get(job.kind)
    job.can_retry = bool(user is not None and job.retryable and kind is not None and kind.allowed(user))
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
            # The right is checked again here: it may have been withdrawn since the job was started.
            if kind is None or not user.is_active or not may_see(user, job) or not kind.allowed(user):
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
    job.result = outcome.data
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
    """Delete job files, and the results kept on jobs, older than JOB_FILE_HOURS (the rows stay, as a record
    of what was made)."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.JOB_FILE_HOURS)
    for job in Job.objects.filter(finished_at__lt=cutoff, file_deleted_at__isnull=True).exclude(file=""):
        _delete_file(job, now)
    # What a job found (an import's preview: names, ID numbers) goes with its file.
    Job.objects.filter(finished_at__lt=cutoff).exclude(result={}).update(result={})


def _delete_file(job, now=None):
    job.file.delete(save=False)
    job.file_deleted_at = now or timezone.now()
    job.save(update_fields=["file", "file_deleted_at"])
