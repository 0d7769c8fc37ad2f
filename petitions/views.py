"""Thin views: parse the form, call one service, message, redirect."""
import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from office import escalation
from office.documents import documents_of, read_document
from office.history import changes_in_words
from office.models import AccessLog, TimeLimits
from office.pagination import keyset_page
from office.validators import normalise_id_number, normalise_phone
from office.views import require_section, reveal_personal

from . import documents, permissions, selectors, services
from .action_views import available_actions
from .filters import PetitionFilter
from .forms import AttachmentForm, PetitionerFormSet, PetitionForm
from .models import Attachment, Petition, PetitionParty
from .workflow import ACTION_LABELS, FLOW, TRANSITIONS


def index(request):
    """The case list: filter, search, sort, paginate; personal data masked."""
    require_section(request, "petitions:index")
    return _case_list(request, queue=None)


def queue(request, queue):
    """One work queue (awaiting decision, overdue, …): the case list filtered, most urgent first."""
    require_section(request, "petitions:index")
    if queue not in selectors.queues_for(request.user):
        raise Http404
    return _case_list(request, queue=queue)


def _case_list(request, *, queue):
    township = request.user.staff.township
    today = timezone.localdate()
    soon = TimeLimits.for_township(township).due_soon_days
    if queue:
        queryset = selectors.queue_petitions(request.user, queue, today, soon)
    else:
        queryset = selectors.petition_list(request.user).order_by("-received_on", "-sequence", "-pk")
    petition_filter = PetitionFilter(request.GET or None, queryset=queryset, township=township)
    results = petition_filter.qs if petition_filter.is_bound and petition_filter.is_valid() else queryset
    page = keyset_page(request, results, settings.LIST_PAGE_SIZE)
    if queue:
        for petition in page:
            petition.awaits_label = selectors.awaits_label(petition)
    return render(
        request,
        "petitions/petition_list.html",
        {
            "filter": petition_filter,
            "page": page,
            "today": today,
            "soon": soon,
            "queue": queue,
            "queue_label": selectors.QUEUE_LABELS.get(queue),
            "can_register": permissions.can_register(request.user),
        },
    )


def _intake_forms(request, township):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    initial = {"received_on": timezone.localdate(), "channel": request.GET.get("channel") or Petition.Channel.VISIT}
    return (
        PetitionForm(data, township=township, initial=initial, prefix="p"),
        PetitionerFormSet(data, prefix="people", form_kwargs={"township": township}),
        AttachmentForm(data, files, prefix="a"),
    )


def register(request):
    """The intake page: one form for every channel, several petitioners, attachments."""
    require_section(request, "petitions:index")
    if not permissions.can_register(request.user):
        raise PermissionDenied
    township = request.user.staff.township
    form, people, uploads = _intake_forms(request, township)
    token = request.POST.get("intake_token") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid() & people.is_valid() & uploads.is_valid():
        related = selectors.visible_petitions(request.user).filter(pk__in=request.POST.getlist("related"))
        try:
            intake_token = uuid.UUID(token)
        except ValueError:
            intake_token = None
        try:
            petition, created = services.register_petition(
                by=request.user,
                data=form.cleaned_data,
                petitioners=people.petitioners(),
                attachments=[(f, uploads.cleaned_data["kind"]) for f in uploads.cleaned_data["files"]],
                related=list(related),
                intake_token=intake_token,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if created:
                messages.success(
                    request,
                    _("Registered as %(number)s. Decide and notify by %(due)s.")
                    % {"number": petition.number, "due": petition.decision_due_on.strftime("%Y-%m-%d")},
                )
            else:
                messages.info(request, _("This form was already submitted: here is the case it registered."))
            return redirect("petitions:detail", pk=petition.pk)
    limits = TimeLimits.for_township(township)
    received = form["received_on"].value()
    return render(
        request,
        "petitions/petition_form.html",
        {
            "form": form,
            "people": people,
            "uploads": uploads,
            "intake_token": token,
            "decision_days": limits.decision_days,
            "decision_due": _decision_due_or_none(township, received),
            "channels_without_visit_fields": [Petition.Channel.LETTER, Petition.Channel.ONLINE, Petition.Channel.FAX],
        },
    )


def _decision_due_or_none(township, received):
    if isinstance(received, str):
        try:
            received = datetime.date.fromisoformat(received)
        except ValueError:
            return None
    return services.decision_due(township, received) if received else None


@require_GET
def decision_due(request):
    """htmx: the decision due date for a received date, as the clerk types it."""
    require_section(request, "petitions:index")
    due = _decision_due_or_none(request.user.staff.township, request.GET.get("p-received_on", ""))
    return render(request, "petitions/includes/_decision_due.html", {"decision_due": due})


@require_GET
def lookup(request):
    """htmx: earlier cases of the person being typed (ID number, phone, or name in the village)."""
    require_section(request, "petitions:index")
    if not permissions.can_register(request.user):
        raise PermissionDenied
    prefix = request.GET.get("row", "")
    get = lambda field: request.GET.get(f"{prefix}-{field}", "").strip()  # noqa: E731
    id_number = normalise_id_number(get("id_number"))
    phone = normalise_phone(get("phone"))
    people = list(
        selectors.lookup_people(
            request.user,
            id_number=id_number if len(id_number) == 18 else "",
            phone=phone if len(phone) >= 7 else "",
            name=get("name"),
            village_id=get("village") or None,
        )
    )
    cases = list(selectors.earlier_cases(request.user, people).select_related("category"))
    return render(
        request,
        "petitions/includes/_lookup.html",
        {"people": people, "cases": cases, "groups": _cases_by_person(people, cases, id_number, phone),
         "row": prefix, "today": timezone.localdate(), "open_statuses": Petition.OPEN_STATUSES},
    )


def _cases_by_person(people, cases, id_number, phone):
    """The earlier cases grouped under each person found (one query). A person found by ID number or phone
    is the same person: their open cases are ticked as related. A person found by name alone may be a
    namesake: nothing is ticked; the clerk decides."""
    by_case = {}
    for petition_id, person_id in PetitionParty.objects.filter(
            petition_id__in=[c.pk for c in cases], person_id__in=[p.pk for p in people]).values_list(
            "petition_id", "person_id"):
        by_case.setdefault(person_id, set()).add(petition_id)
    groups = []
    for person in people:
        sure = bool((id_number and person.id_number == id_number) or (phone and person.phone == phone))
        own = [case for case in cases if case.pk in by_case.get(person.pk, ())]
        if own:
            groups.append({"person": person, "sure": sure, "cases": own})
    return groups


def detail(request, pk):
    """The case file: details, petitioners (masked), attachments, due dates, timeline, history."""
    petition = escalation.require_section_or_asked(
        request, "petitions:index", lambda: selectors.petition_detail(request.user, pk))
    return _render_detail(request, petition, reveal=False)


def _render_detail(request, petition, *, reveal):
    history = _field_history(petition)
    can = {
        "edit": permissions.can_edit_registration(request.user, petition),
        "attach": permissions.can_add_attachment(request.user, petition),
        "show_personal": permissions.can_view_personal_data(request.user, petition),
        **available_actions(request.user, petition),
    }
    return render(
        request,
        "petitions/petition_detail.html",
        {
            "petition": petition,
            "parties": petition.parties.all(),
            "reveal": reveal,
            "history": history,
            "can": can,
            "today": timezone.localdate(),
            "attachment_form": AttachmentForm(prefix="a"),
            "actions": [(name, ACTION_LABELS[name]) for name in TRANSITIONS if can.get(name)],
            "current_level": escalation.current_level(FLOW, petition, petition.ladder_levels),
        },
    )


def _field_history(petition):
    """The case's field history in words, newest first (its records read by selectors.petition_detail)."""
    return list(reversed(changes_in_words(petition.history_records, Petition, {"version", "due_on", "intake_token", "id", "township"})))


@require_POST
def show_personal(request, pk):
    """Show full ID numbers, phones and addresses on request, and log who looked and when."""
    petition = escalation.require_section_or_asked(
        request, "petitions:index", lambda: selectors.petition_detail(request.user, pk))
    if not permissions.can_view_personal_data(request.user, petition):
        raise PermissionDenied
    reveal_personal(request, petition, [party.person_id for party in petition.parties.all()], petition.number)
    if request.htmx:
        return render(
            request, "petitions/includes/_parties.html",
            {"parties": petition.parties.all(), "reveal": True, "petition": petition},
        )
    return _render_detail(request, petition, reveal=True)


def edit(request, pk):
    """Edit registration details while the case is still registered."""
    require_section(request, "petitions:index")
    petition = selectors.get_petition_for_user(request.user, pk)
    if not permissions.can_edit_registration(request.user, petition):
        raise PermissionDenied
    township = petition.township
    form = PetitionForm(request.POST or None, instance=petition, township=township, prefix="p")
    if request.method == "POST" and form.is_valid():
        try:
            version = int(request.POST.get("version", "0"))
            services.update_registration(
                petition, by=request.user, data=form.cleaned_data, version=version
            )
        except services.StaleEditError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved."))
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "petitions/petition_edit.html", {"form": form, "petition": petition})


@require_POST
def add_attachment(request, pk):
    require_section(request, "petitions:index")
    petition = selectors.get_petition_for_user(request.user, pk)
    if not permissions.can_add_attachment(request.user, petition):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES, prefix="a")
    if form.is_valid() and form.cleaned_data["files"]:
        for upload in form.cleaned_data["files"]:
            services.add_attachment(petition, by=request.user, upload=upload, kind=form.cleaned_data["kind"])
        messages.success(request, _("Attached."))
    else:
        errors = form.errors.get("files") or [_("Choose a file to attach.")]
        for error in errors:
            messages.error(request, error)
    return redirect("petitions:detail", pk=petition.pk)


def download_attachment(request, pk):
    """Serve an attachment only to those who may see its case (never from static or media URLs)."""
    require_section(request, "petitions:index")
    attachment = get_object_or_404(Attachment.objects.select_related("petition"), pk=pk)
    if not selectors.visible_petitions(request.user).filter(pk=attachment.petition_id).exists():
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


def registration_pdf(request, pk):
    """The registration form (信访登记表) as a PDF."""
    # Whoever reads the case page reads its form (the 县级督办 too, docs/domain.md §10).
    petition = escalation.require_section_or_asked(
        request, "petitions:index", lambda: selectors.petition_detail(request.user, pk))
    full = permissions.can_view_personal_data(request.user, petition)
    if full:
        # The printed form carries full personal data: log it like the "show" button.
        AccessLog.objects.create(
            user=request.user, action=AccessLog.Action.DOWNLOAD, target=f"{petition.number} 信访登记表",
            detail={"petition": petition.pk},
        )
    data = documents.registration_form(petition, full=full)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{petition.number}-registration.pdf"'
    return response


def reply_preview(request, pk):
    """The written reply as it will print, for the leader before signing it off (GET; nothing stored)."""
    require_section(request, "petitions:index")
    petition = selectors.get_petition_for_user(request.user, pk)
    if not hasattr(petition, "reply") or not (
        permissions.can_approve_reply(request.user, petition) or permissions.can_draft_reply(request.user, petition)
    ):
        raise PermissionDenied
    response = HttpResponse(documents.reply_preview(petition), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{petition.number}-reply-preview.pdf"'
    return response


def download_document(request, pk, document_id):
    """Serve an issued document from storage, byte for byte as issued (never re-rendered)."""
    petition = escalation.require_section_or_asked(
        request, "petitions:index", lambda: selectors.get_petition_for_user(request.user, pk))
    document = get_object_or_404(documents_of(petition), pk=document_id)
    AccessLog.objects.create(
        user=request.user, action=AccessLog.Action.DOWNLOAD, target=document.title,
        detail={"petition": petition.pk, "document": document.pk, "sha256": document.sha256},
    )
    response = HttpResponse(read_document(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{petition.number}-{document.kind}-v{document.version}.pdf"'
    return response
