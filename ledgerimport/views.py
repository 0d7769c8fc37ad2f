"""系统管理 → 导入台账 and 导入记录 (docs/domain.md §9): upload, map the columns, preview, confirm, undo."""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.models import Job
from jobs.registry import JobError, Outcome
from jobs.services import start_job
from office.excel import xlsx_response

from . import services
from .engine import LedgerError, Preview, Problem, kind_module, ledger_for
from .forms import UploadForm, mapping_form
from .kinds import KINDS, LOOKUP
from .models import ImportBatch
from .templates_xlsx import blank_template


def _require(request):
    if not services.can_import(request.user):
        raise PermissionDenied


def _batch(request, pk):
    _require(request)
    return get_object_or_404(ImportBatch, pk=pk, township=request.user.staff.township)


def index(request):
    _require(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch, ledger = services.start(by=request.user, kind=form.cleaned_data["kind"], file_name=upload.name,
                                           data=upload.read())
        except LedgerError as error:
            form.add_error("file", str(error))
        else:
            if ledger.needs_mapping():
                return redirect("ledgerimport:mapping", pk=batch.pk)
            return redirect("ledgerimport:preview", pk=batch.pk)
    kinds = [k for k in KINDS.values() if k.importable]
    return render(request, "ledgerimport/index.html", {"form": form, "kinds": kinds})


def mapping(request, pk):
    batch = _batch(request, pk)
    if batch.state != ImportBatch.State.DRAFT:
        return redirect("ledgerimport:batches")
    ledger = ledger_for(batch)
    form = mapping_form(ledger, request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        chosen = {index: form.cleaned_data[f"col_{index}"] or "-" for index, _name, _key in ledger.columns}
        ledger.mapping = chosen
        problems = ledger.mapping_problems()
        if not problems:
            services.set_mapping(batch, by=request.user, mapping=chosen, remember=form.cleaned_data["remember"])
            return redirect("ledgerimport:preview", pk=batch.pk)
    samples = _samples(ledger)
    rows = [(form[f"col_{index}"], name, samples.get(index, [])) for index, name, _key in ledger.columns]
    return render(request, "ledgerimport/mapping.html", {
        "batch": batch, "ledger": ledger, "form": form, "rows": rows, "problems": problems})


def _samples(ledger, count=3):
    """The first values of each column, to help the user recognise it."""
    from .reading import cell_text, open_sheet

    samples = {}
    taken = 0
    for number, values in open_sheet(ledger.data).rows:
        if number <= ledger.layout.last_header_row or not any(v not in (None, "") for v in values):
            continue
        for index, value in enumerate(values):
            if value not in (None, ""):
                samples.setdefault(str(index), []).append(cell_text(value)[:30])
        taken += 1
        if taken >= count:
            break
    return samples


def preview(request, pk):
    """Every row read and checked before the import: in the request for a small file; for one of more
    than IMPORT_TASK_ROWS rows, by a background job whose page comes back here to show what it found
    (docs/architecture.md §14)."""
    batch = _batch(request, pk)
    if batch.state != ImportBatch.State.DRAFT:
        return redirect("ledgerimport:batch", pk=batch.pk)
    try:
        ledger = ledger_for(batch)
        if ledger.mapping_problems():
            return redirect("ledgerimport:mapping", pk=batch.pk)
        checked = None
        if (ledger.size or 0) > settings.IMPORT_TASK_ROWS:
            checked, started = _preview_job(request, batch, ledger)
            if started or checked.status != Job.Status.DONE:
                return redirect("jobs:detail", checked.pk)
            result = preview_from(checked.result)
        else:
            result = ledger.preview()
    except LedgerError as error:
        messages.error(request, str(error))
        return redirect("ledgerimport:index")
    unknown = [
        (ledger.kind.field(key), ledger.column_name(key), key,
         [(value, count, (batch.value_map.get(key) or {}).get(value, "")) for value, count in sorted(found.items())],
         kind_module(batch.kind).lookup_options(key, batch.township))
        for key, found in result.unknown.items()
    ]
    fields = [f for f in ledger.kind.fields if f.key in ledger.mapped()]
    sample = [(number, [_shown(values.get(f.key)) for f in fields]) for number, values in result.sample]
    return render(request, "ledgerimport/preview.html", {
        "batch": batch, "ledger": ledger, "result": result, "unknown": unknown, "fields": fields, "sample": sample,
        "lookup_type": LOOKUP, "checked": checked})


def _preview_params(batch):
    """What a preview depends on: the file, its column mapping and the values chosen for unknown ones."""
    return {"batch": batch.pk, "sha256": batch.sha256, "mapping": batch.mapping, "value_map": batch.value_map}


def _preview_job(request, batch, ledger):
    """(job, started): this user's preview job for the batch as it stands (running, or done with its result
    kept), or a new one; 重新检查 (``?again``) starts a new one, for rows imported meanwhile."""
    params = _preview_params(batch)
    if "again" not in request.GET:
        for job in Job.objects.filter(created_by=request.user, kind="ledger_preview",
                                      params__batch=batch.pk).exclude(status=Job.Status.FAILED)[:5]:
            if job.params == params and (job.status != Job.Status.DONE or job.result):  # not yet purged
                return job, False
    return start_job(by=request.user, kind="ledger_preview", params=params, total=ledger.size or 0), True


def run_preview_job(job, user, progress):
    """The background preview (a job kind): the page's own reading and checking, kept on the job."""
    batch = ImportBatch.objects.filter(pk=job.params.get("batch"), township=user.staff.township,
                                       state=ImportBatch.State.DRAFT).first()
    if batch is None:
        raise JobError(_("This import no longer exists."))
    try:
        ledger = ledger_for(batch)
        result = Preview()
        progress(0, job.total)
        for chunk in ledger.outcomes():
            for row in chunk:
                ledger.tally(result, row)
            progress(result.total, max(job.total, result.total))
        ledger.finish(result)
    except LedgerError as error:
        raise JobError(str(error)) from error
    return Outcome(url=reverse("ledgerimport:preview", args=[batch.pk]), row_count=result.total,
                   data=preview_data(result))


def preview_data(result):
    """A preview as JSON (the sample's cells as shown), to be shown later by preview_from."""
    return {
        "total": result.total, "accepted": result.accepted, "refused_rows": result.refused_rows,
        "skipped_summary": result.skipped_summary, "present": result.present, "duplicates": result.duplicates,
        "refused": [[p.row, str(p.column), str(p.reason)] for p in result.refused],
        "unknown": {key: dict(values) for key, values in result.unknown.items()},
        "sample": [[number, {key: _shown(value) for key, value in values.items()}] for number, values in result.sample],
    }


def preview_from(data):
    return Preview(**{**data, "refused": [Problem(*problem) for problem in data["refused"]]})


def _shown(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


@require_POST
def value_map(request, pk):
    batch = _batch(request, pk)
    chosen = {}
    for name, value in request.POST.items():
        if name.startswith("map:") and value:
            _prefix, key, word = name.split(":", 2)
            chosen.setdefault(key, {})[word] = value
    try:
        services.set_value_map(batch, by=request.user, value_map=chosen)
    except LedgerError as error:
        messages.error(request, str(error))
    return redirect("ledgerimport:preview", pk=batch.pk)


@require_POST
def confirm(request, pk):
    """Import the previewed rows: at once for a small file, as a background job for a large one (the
    preview's row count decides; docs/architecture.md §14)."""
    batch = _batch(request, pk)
    running = background_import(batch)
    if running is not None:
        return redirect("jobs:detail", running.pk)
    try:
        rows = int(request.POST.get("rows") or 0)
    except ValueError:
        rows = 0
    if rows > settings.IMPORT_TASK_ROWS and batch.state == ImportBatch.State.DRAFT:
        job = start_job(by=request.user, kind="ledger_import", params={"batch": batch.pk}, total=rows)
        return redirect("jobs:detail", job.pk)
    try:
        batch = services.confirm(batch, by=request.user)
    except LedgerError as error:
        messages.error(request, str(error))
        return redirect("ledgerimport:preview", pk=batch.pk)
    messages.success(request, _("%(count)s cases imported.") % {"count": batch.imported_count})
    return redirect("ledgerimport:batch", pk=batch.pk)


def background_import(batch):
    """The import job already started for this batch and not finished, if any."""
    return Job.objects.filter(kind="ledger_import", params__batch=batch.pk,
                              status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()


def run_import_job(job, user, progress):
    """The background import (a job kind): the same confirm as the page's, reporting rows read."""
    batch = ImportBatch.objects.filter(pk=job.params.get("batch"), township=user.staff.township).first()
    if batch is None:
        raise JobError(_("This import no longer exists."))
    progress(0, job.total)
    try:
        batch = services.confirm(batch, by=user, progress=lambda imported, read: progress(read, max(job.total, read)))
    except LedgerError as error:
        raise JobError(str(error)) from error
    return Outcome(url=reverse("ledgerimport:batch", args=[batch.pk]), row_count=batch.imported_count)


def batches(request):
    _require(request)
    listed = ImportBatch.objects.filter(township=request.user.staff.township).exclude(
        state=ImportBatch.State.DRAFT).select_related("created_by", "undone_by")
    return render(request, "ledgerimport/batches.html", {"batches": listed})


def batch(request, pk):
    batch = _batch(request, pk)
    cases = kind_module(batch.kind).batch_cases(batch).order_by("pk")[:50]
    detail, list_url, list_label = {
        "petitions": ("petitions:detail", reverse("petitions:index"), _("Open the petition list")),
        "screening": ("disputes:entry_detail", reverse("disputes:index"), _("Open the screening ledger")),
        "mediation": ("disputes:mediation_detail", reverse("disputes:mediation_list"), _("Open the mediation cases")),
    }[batch.kind]
    items = [(reverse(detail, args=[case.pk]), kind_module(batch.kind).case_label(case), case.title,
              case.get_status_display()) for case in cases]
    return render(request, "ledgerimport/batch.html", {
        "batch": batch, "items": items, "list_url": list_url, "list_label": list_label})


@require_POST
def undo(request, pk):
    batch = _batch(request, pk)
    try:
        services.undo(batch, by=request.user)
    except LedgerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The import has been undone."))
    return redirect("ledgerimport:batch", pk=batch.pk)


def template(request, kind):
    _require(request)
    if kind not in KINDS or not KINDS[kind].importable:
        raise PermissionDenied
    content = blank_template(KINDS[kind], request.user.staff.township)
    return xlsx_response(content, _("%(ledger)s import template.xlsx") % {"ledger": KINDS[kind].label})
