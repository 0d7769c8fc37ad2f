"""Excel exports that run in the background when they are large (docs/architecture.md §14).

An area describes its export once, as ``plan(user, params) -> Export`` (or a bound form with errors):
the same function builds the file in the request (small exports, as before) and in the worker (large
ones, run as the user who asked, with their visibility). Same rows, same masking, same access log.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

from django.conf import settings
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from office.excel import xlsx_response
from office.models import AccessLog

from .registry import JobError, JobKind, Outcome, register
from .services import start_job


@dataclass
class Export:
    rows: object  # the queryset written, counted to decide between now and the background
    build: Callable  # build(progress or None) -> office.excel.ExcelFile
    file_name: str
    log_target: str
    log_detail: dict = field(default_factory=dict)


def query_params(request):
    """The page's filters as stored with a job: every value of every parameter."""
    return {key: values for key, values in request.GET.lists()}


def as_request(user, params):
    """What the filters need of a request (its user and its query), rebuilt inside the worker."""
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return SimpleNamespace(user=user, GET=query)


def serve_or_queue(request, kind, export):
    """Send a small export at once (logged), or start a background job for a large one and show its page."""
    total = export.rows.count()
    if total > settings.EXPORT_TASK_ROWS:
        job = start_job(by=request.user, kind=kind, params=query_params(request), total=total)
        return redirect("jobs:detail", job.pk)
    excel = export.build(None)
    AccessLog.objects.create(user=request.user, action=AccessLog.Action.EXPORT, target=export.log_target,
                             detail=export.log_detail, row_count=excel.row_count)
    return xlsx_response(excel.content, export.file_name)


def register_export(key, label, plan, allowed):
    """Make an export runnable in the background: ``plan(request-like, user) -> Export`` or a form with errors."""

    def run(job, user, progress):
        export = plan(as_request(user, job.params))
        if not isinstance(export, Export):
            raise JobError(_("The filters of this export are not valid: go back to the list and export again."))
        progress(0, job.total)
        excel = export.build(lambda done: progress(done, job.total))
        return Outcome(content=excel.content, file_name=export.file_name, row_count=excel.row_count,
                       log_target=export.log_target, log_detail=export.log_detail)

    return register(JobKind(key, label, run, allowed))
