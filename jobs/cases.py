"""Documents made in the background for one case: the archive dossier (docs/architecture.md §14).

Archiving records the case as archived and queues the dossier in the same transaction (the job and its
task row commit with the archiving or not at all); the worker renders and stores it. Whoever may see the
case sees the job's progress on the case's page; a failed job is retried from there.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from .registry import JobError, JobKind, Outcome, register
from .services import current, jobs_about, start_job


def register_case_work(key, label, *, model, visible, allowed, make, steps, result_label):
    """Make ``make(case, user, progress) -> url`` (the result's page or download) runnable in the background.

    ``visible(user)`` is the queryset of the cases the user may see (the job's visibility is the case's);
    ``allowed(user)`` the right to start or retry it; ``steps`` the progress total that ``make`` counts to.
    ``make`` runs in one transaction with the case's row locked, so two runs cannot interleave."""

    def sees(user, job):
        return visible(user).filter(pk=job.subject_id).exists()

    def run(job, user, progress):
        with transaction.atomic():
            case = model.objects.select_for_update().filter(pk=job.subject_id).first()
            if case is None:
                raise JobError(_("The case no longer exists: nothing was made."))
            progress(0, steps)
            return Outcome(url=make(case, user, lambda done: progress(done, steps)))

    def queue(case, *, by):
        """Queue the work for ``case``; call inside the transaction of the step that asks for it."""
        return start_job(by=by, kind=key, params={}, total=steps, subject=case)

    def jobs(pk):
        """The jobs of this kind about the case with this id, newest first: a part of the case page's one
        statement (office/onequery.py fetch_together), read with ``unfinished``."""
        return jobs_about(model(pk=pk), key)

    register(JobKind(key, label, run, allowed, sees=sees, counts_rows=False, result_label=result_label, retry=True))
    return queue, jobs


def unfinished(jobs, user):
    """A case's latest job of its kind (``jobs``: its jobs newest first, as the case page read them) as the
    page shows it while it waits, runs or has failed (the progress, or the error and 重试 for whoever may
    retry); None when there is none or once it is done, when its document is among the case's documents
    (docs/architecture.md §14)."""
    job = jobs[0] if jobs else None
    return current(job, user) if job is not None and job.status != job.Status.DONE else None
