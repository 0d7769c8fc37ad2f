"""My background work (docs/architecture.md §14): the list, a job's page with its progress bar (htmx
polling), the file's download and a failed job's retry — each only for the user who started the job, or,
for work about a case (an archive dossier), for whoever may see the case (404 for anyone else)."""
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from office.excel import CONTENT_TYPE
from office.models import AccessLog

from .models import Job
from .registry import KINDS
from .services import current, may_see
from .services import retry as retry_job


def _township(request):
    """The user's township (None for the county's staff); a login without a staff profile has no jobs."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404
    return staff.township


def _own(request, pk):
    """The job, if this user may see it (services.may_see); 404 otherwise (its existence is not told)."""
    _township(request)
    job = get_object_or_404(Job.objects.select_related("subject_type"), pk=pk)
    if not may_see(request.user, job):
        raise Http404
    return job


@require_GET
def index(request):
    """The user's own recent jobs."""
    jobs = Job.objects.filter(created_by=request.user, township=_township(request))[:30]
    return render(request, "jobs/index.html", {"jobs": [current(job, request.user) for job in jobs]})


@require_GET
def detail(request, pk):
    return render(request, "jobs/detail.html", {"job": current(_own(request, pk), request.user)})


@require_GET
def progress(request, pk):
    """The progress fragment the page polls every second until the job has finished."""
    return render(request, "jobs/_progress.html",
                  {"job": current(_own(request, pk), request.user), "back": _back(request, "back")})


@require_GET
def download(request, pk):
    """The job's file, checked like an immediate export (the right, now) and logged like one."""
    job = _own(request, pk)
    kind = KINDS.get(job.kind)
    if kind is None or not job.downloadable:
        raise Http404
    if not kind.allowed(request.user):
        raise PermissionDenied
    AccessLog.objects.create(user=request.user, action=AccessLog.Action.EXPORT, target=job.log_target,
                             detail={**job.log_detail, "job": job.pk}, row_count=job.row_count)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name, content_type=CONTENT_TYPE)


@require_POST
def retry(request, pk):
    """Start a failed job again (kinds that allow it, e.g. a dossier); back to where the button was."""
    job = retry_job(_own(request, pk), by=request.user)
    return redirect(_back(request, "next") or reverse("jobs:detail", args=[job.pk]))


def _back(request, name):
    """The page (on this site) to return to, from the query or the form; "" if none or elsewhere."""
    back = (request.POST if request.method == "POST" else request.GET).get(name, "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return ""
