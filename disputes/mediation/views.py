"""People's mediation pages: thin views that parse a form, call one service or workflow function,
and redirect. One view per action; GET shows a small form, POST performs it."""
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from office import escalation
from office.actions import ActionPages, versioned
from office.documents import documents_of, read_document
from office.forms import apply_errors
from office.models import AccessLog, TimeLimits
from office.pagination import keyset_page
from office.views import require_section, reveal_personal
from office.workflow import WorkflowError
from petitions.selectors import get_petition_for_user

from ..models import MediationCase, MediationReturnVisit
from ..screening import permissions as entry_permissions
from ..screening.forms import ReferenceLists
from ..screening.selectors import get_entry_for_user
from . import documents, selectors, services, workflow
from . import forms as f
from . import permissions as p
from .filters import MediationFilter

SECTION = "disputes:index"


def _pdf(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def _log(user, action, case, what, **detail):
    AccessLog.objects.create(user=user, action=action, target=f"{case.number} {what}"[:200],
                             detail={"mediation_case": case.pk, **detail})


# --- list, queue, page --------------------------------------------------------------------------


@require_GET
def case_list(request):
    """Every case the user may see, filtered, searched and paginated; parties masked."""
    require_section(request, SECTION, county_reads=True)
    cases = selectors.case_list(request.user)
    found = MediationFilter(request.GET or None, queryset=cases, request=request, refs=ReferenceLists.for_user(request.user))
    results = found.qs if found.is_bound and found.is_valid() else cases
    page = keyset_page(request, results, settings.LIST_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    user = request.user
    staff = user.staff
    return render(request, "disputes/mediation_list.html", {
        "filter": found, "page": page, "query": query.urlencode(), "today": timezone.localdate(),
        "can_open": p.can_open_case(user, staff.village) or p.can_open_case(user, None),
    })


@require_GET
def queue(request):
    """The mediator's queue: cases due, agreements awaiting signatures or performance, return visits
    due, judicial-confirmation windows closing, disputes waiting for a case."""
    require_section(request, SECTION)
    today = timezone.localdate()
    soon = TimeLimits.for_township(request.user.staff.township).due_soon_days
    section = request.GET.get("section")
    if section in selectors.QUEUE_SECTIONS:  # one section, paged like every list
        page = keyset_page(request, selectors.queue_section(request.user, today, section), settings.LIST_PAGE_SIZE)
        sections = {section: page, "page": page, "section": section, "totals": {section: page.paginator.total_label},
                    "soon_days": soon, "window_warning_days": settings.CONFIRMATION_WARNING_DAYS}
    else:
        sections = selectors.mediator_queue(request.user, today, soon_days=soon)
    return render(request, "disputes/mediation_queue.html", {**sections, "today": today})


def available_actions(user, case):
    """The actions this user may take on this case now: the ``can`` dict of the case page."""
    return workflow.FLOW.offers(user, case)


ACTION_URLS = {"save_agreement": "disputes:mediation_agreement", "correct_agreement": "disputes:mediation_correct"}


@require_GET
def detail(request, pk):
    """The case page: parties (masked), sessions, agreement, timeline and history."""
    require_section(request, SECTION, county_reads=True)
    case = selectors.case_detail(request.user, pk)
    return _render_case(request, case, show_personal=False)


@require_POST
def show_personal(request, pk):
    """The case page with the parties' full ID numbers, phones and addresses, on request and logged."""
    require_section(request, SECTION, county_reads=True)
    case = selectors.case_detail(request.user, pk)
    if not p.can_see_case_personal_data(request.user, case):
        raise PermissionDenied
    people = [link.person_id for link in case.party_links.all()]
    reveal_personal(request, case, people, f"{case.number} {_('parties')}")
    return _render_case(request, case, show_personal=True)


def _render_case(request, case, *, show_personal):
    user = request.user
    can = available_actions(user, case)
    personal = p.can_see_case_personal_data(user, case)
    actions = [(name, workflow.ACTION_LABELS[name], ACTION_URLS.get(name, f"disputes:mediation_{name}"))
               for name in workflow.TRANSITIONS if can.get(name)]
    return render(request, "disputes/mediation_detail.html", {
        "case": case, "agreement": case.agreement_or_none, "can": can, "actions": actions,
        "personal": personal, "show_personal": show_personal, "history": selectors.case_history(case),
        "today": timezone.localdate(), "window_warning_days": settings.CONFIRMATION_WARNING_DAYS,
        "current_level": escalation.current_level(workflow.FLOW, case, case.ladder_levels),
        "petition_link": case.petition_link,
    })


# --- opening a case ---------------------------------------------------------------------------


def _open_page(request, template, context, form, run):
    """Validate the forms and run the opening service; on success go to the new case."""
    # Validate every form, so that each shows its errors.
    valid = [form.is_valid()] + [formset.is_valid() for formset in context.get("formsets", [])]
    if request.method == "POST" and all(valid):
        try:
            case = run()
        except ValidationError as error:
            apply_errors(form, error)
        except (WorkflowError, workflow.entry_workflow.WorkflowError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Registered as %(number)s. Mediate by %(due)s.")
                             % {"number": case.number, "due": case.due_on.strftime("%Y-%m-%d")})
            return redirect("disputes:mediation_detail", pk=case.pk)
    return render(request, template, {**context, "form": form})


@require_http_methods(["GET", "POST"])
def new_case(request):
    """Register a case: a party's application, the committee's initiative, or entrusted (Art 17, 18)."""
    require_section(request, SECTION)
    user = request.user
    if not (p.can_open_case(user, user.staff.village) or p.can_open_case(user, None)):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = f.CaseForm(data, user=user)
    parties = f.PartyFormSet(data, prefix="parties", initial=[{"role": "applicant"}, {"role": "respondent"}])
    return _open_page(request, "disputes/mediation_form.html", {"formsets": [parties], "parties": parties}, form,
                      lambda: services.register_case(by=user, data=form.case_data(), parties=parties.parties()))


@require_http_methods(["GET", "POST"])
def open_from_entry(request, pk):
    """Open the mediation case of a ledger entry (it completes the entry's request for mediation)."""
    require_section(request, SECTION)
    user = request.user
    entry = get_entry_for_user(user, pk)
    if not entry_permissions.can_open_from_entry(user, entry):
        raise PermissionDenied
    existing = MediationCase.objects.filter(ledger_entry=entry).first()
    if existing is not None:
        messages.info(request, _("A mediation case was already opened for this dispute."))
        return redirect("disputes:mediation_detail", pk=existing.pk)
    form = f.FromEntryForm(request.POST if request.method == "POST" else None, user=user, entry=entry)
    return _open_page(request, "disputes/mediation_open_entry.html", {"entry": entry}, form,
                      lambda: services.open_from_entry(entry, by=user, data=form.case_data(), roles=form.roles()))


@require_http_methods(["GET", "POST"])
def open_from_petition(request, pk):
    """Open mediation from an open petition; its petitioners apply and the respondents are named."""
    require_section(request, SECTION)
    user = request.user
    petition = get_petition_for_user(user, pk)
    if not p.can_open_from_petition(user, petition):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = f.FromPetitionForm(data, user=user, petition=petition)
    respondents = f.RespondentFormSet(data, prefix="respondents", initial=[{"role": "respondent"}])
    return _open_page(
        request, "disputes/mediation_open_petition.html",
        {"petition": petition, "formsets": [respondents], "respondents": respondents}, form,
        lambda: services.open_from_petition(petition, by=user, data=form.case_data(),
                                            respondents=respondents.parties()),
    )


# --- actions ------------------------------------------------------------------------------------


def _missing(case):
    agreement = selectors.agreement_of(case)
    return workflow.missing_contents(agreement) if agreement is not None else None


PAGES = ActionPages(
    flow=workflow.FLOW,
    get_case=selectors.get_case_for_user,
    section=SECTION,
    detail_url="disputes:mediation_detail",
    template="disputes/mediation_action.html",
    extra_context=lambda case, action: {
        "missing": _missing(case) if action == "finalise_agreement" else None,
        "step": escalation.next_step(workflow.FLOW, case) if action == "raise_escalation" else None},
    queue_url=lambda user: reverse("disputes:mediation_queue"),
)


def _decide_escalation(case, user, data, version):
    return workflow.decide_case_escalation(data["escalation"], by=user, approve=data["approve"],
                                           comment=data["comment"])


ACTION_VIEWS = {
    "start": PAGES.view("start", f.StartForm, versioned(workflow.start_mediation)),
    "assign_mediators": PAGES.view("assign_mediators", f.AssignMediatorsForm, versioned(workflow.assign_mediators)),
    "record_session": PAGES.view("record_session", f.SessionForm, versioned(workflow.record_session)),
    "extend": PAGES.view("extend", f.ExtendForm, versioned(workflow.extend_mediation)),
    "raise_escalation": PAGES.view("raise_escalation", f.ReasonForm, versioned(workflow.raise_case_escalation)),
    "decide_escalation": PAGES.view("decide_escalation", f.DecideEscalationForm, _decide_escalation),
    "finalise_agreement": PAGES.view("finalise_agreement", f.ConfirmForm, versioned(workflow.finalise_agreement)),
    "record_oral_agreement": PAGES.view("record_oral_agreement", f.OralAgreementForm, versioned(workflow.record_oral_agreement)),
    "record_signatures": PAGES.view("record_signatures", f.SignaturesForm, versioned(workflow.record_signatures)),
    "record_performance": PAGES.view("record_performance", f.PerformanceForm, versioned(workflow.record_performance)),
    "apply_confirmation": PAGES.view("apply_confirmation", f.ApplyConfirmationForm, versioned(workflow.apply_confirmation)),
    "record_confirmation": PAGES.view("record_confirmation", f.ConfirmationResultForm, versioned(workflow.record_confirmation)),
    "record_return_visit": PAGES.view("record_return_visit", f.ReturnVisitForm, versioned(workflow.record_return_visit)),
    "terminate": PAGES.view("terminate", f.TerminateForm, versioned(workflow.terminate_mediation)),
    "transfer_to_police": PAGES.view("transfer_to_police", f.TransferForm, versioned(workflow.transfer_case_to_police)),
    "archive": PAGES.view("archive", f.ConfirmForm, versioned(workflow.archive_case)),
}


# --- the written agreement --------------------------------------------------------------------


def _finalised_refusal(request, case):
    """Editing a finalised agreement is refused, with the offer of a corrected version."""
    messages.error(request, format_html(
        '{} <a href="{}" data-testid="offer-correction">{}</a>',
        _("This agreement is finalised and can no longer be edited; the issued version stays on file."),
        reverse("disputes:mediation_correct", args=[case.pk]), _("Issue a corrected version"),
    ))
    return redirect("disputes:mediation_detail", pk=case.pk)


def _agreement_page(request, case, *, correcting):
    user = request.user
    agreement = selectors.agreement_of(case)
    data = request.POST if request.method == "POST" else None
    form_class = f.CorrectionForm if correcting else f.AgreementForm
    form = form_class(data, initial=f.agreement_initial(agreement, case))
    parties = f.AgreementPartyFormSet(data, prefix="parties", initial=f.snapshot_initial(agreement, case))
    if request.method == "GET":
        # The form shows each party's full ID number, phone and address (Art 15): logged.
        _log(user, AccessLog.Action.SHOW_PERSONAL, case, _("agreement"),
             people=[row["person"] for row in parties.initial])
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        values = {"data": form.agreement_data(), "parties": f.parties_data(parties),
                  "expected_version": form.cleaned_data["version"]}
        try:
            if correcting:
                workflow.correct_agreement(case, by=user, reason=form.cleaned_data["reason"], **values)
            else:
                workflow.save_agreement(case, by=user, **values)
        except ValidationError as error:
            apply_errors(form, error)
        except workflow.AgreementFinalisedError:
            return _finalised_refusal(request, case)
        except workflow.IncompleteAgreementError as error:
            for item in error.missing:
                form.add_error(None, item)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("disputes:mediation_detail", pk=case.pk)
        else:
            if correcting:
                messages.success(request, _("The corrected version is issued; the earlier one stays on file."))
                return redirect("disputes:mediation_detail", pk=case.pk)
            messages.success(request, _("The draft is saved."))
            if request.POST.get("next") == "finalise":
                return redirect("disputes:mediation_finalise_agreement", pk=case.pk)
            return redirect("disputes:mediation_detail", pk=case.pk)
    return render(request, "disputes/mediation_agreement_form.html", {
        "case": case, "agreement": agreement, "form": form, "parties": parties, "correcting": correcting,
    })


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    """Draft the written agreement; a finalised one is refused with the offer of a corrected version."""
    require_section(request, SECTION)
    case = selectors.get_case_for_user(request.user, pk)
    if not p.can_mediate(request.user, case):
        raise PermissionDenied
    agreement = selectors.agreement_of(case)
    if agreement is not None and agreement.is_final:
        if agreement.is_written and case.status in workflow.TRANSITIONS["correct_agreement"][0]:
            return _finalised_refusal(request, case)
        messages.error(request, _("This agreement can no longer be changed."))
        return redirect("disputes:mediation_detail", pk=case.pk)
    if case.status not in workflow.TRANSITIONS["save_agreement"][0]:
        messages.error(request, _("The agreement is drafted while the case is being mediated."))
        return redirect("disputes:mediation_detail", pk=case.pk)
    return _agreement_page(request, case, correcting=False)


@require_http_methods(["GET", "POST"])
def agreement_correct(request, pk):
    """Issue a corrected version of a finalised agreement (recorded; the earlier version stays)."""
    require_section(request, SECTION)
    case = selectors.get_case_for_user(request.user, pk)
    if not p.can_mediate(request.user, case):
        raise PermissionDenied
    agreement = selectors.agreement_of(case)
    if agreement is None or agreement.document_id is None or case.status not in workflow.TRANSITIONS[
            "correct_agreement"][0]:
        messages.error(request, _("Only a finalised written agreement has versions to correct."))
        return redirect("disputes:mediation_detail", pk=case.pk)
    return _agreement_page(request, case, correcting=True)


# --- documents ----------------------------------------------------------------------------------


def _personal_or_403(request, case):
    if not p.can_see_case_personal_data(request.user, case):
        raise PermissionDenied


@require_GET
def agreement_draft_pdf(request, pk):
    """The draft agreement with its 草稿 watermark; a finalised one is served as stored instead."""
    require_section(request, SECTION, county_reads=True)
    case = selectors.get_case_for_user(request.user, pk)
    _personal_or_403(request, case)
    agreement = selectors.agreement_of(case)
    if agreement is None or not agreement.is_written:
        raise Http404
    if agreement.document_id:
        return redirect("disputes:mediation_document", pk=case.pk, document_id=agreement.document_id)
    _log(request.user, AccessLog.Action.DOWNLOAD, case, "人民调解协议书（草稿）")
    return _pdf(documents.render_agreement(agreement, draft=True), f"{case.number}-agreement-draft.pdf")


@require_GET
def document(request, pk, document_id):
    """Serve an issued document from storage, byte for byte as issued (never re-rendered)."""
    require_section(request, SECTION, county_reads=True)
    case = selectors.get_case_for_user(request.user, pk)
    _personal_or_403(request, case)
    issued = get_object_or_404(documents_of(case), pk=document_id)
    _log(request.user, AccessLog.Action.DOWNLOAD, case, issued.title, document=issued.pk, sha256=issued.sha256)
    return _pdf(read_document(issued), f"{case.number}-{issued.kind}-v{issued.version}.pdf")


@require_GET
def application_pdf(request, pk):
    """The application / registration form (申请书 / 受理登记表); full personal data only if allowed (logged)."""
    require_section(request, SECTION, county_reads=True)
    case = selectors.get_case_for_user(request.user, pk)
    full = p.can_see_case_personal_data(request.user, case)
    if full:
        _log(request.user, AccessLog.Action.DOWNLOAD, case, "人民调解受理登记表")
    return _pdf(documents.application_form(case, full=full), f"{case.number}-registration.pdf")


@require_GET
def return_visit_pdf(request, pk, visit_id):
    """The record of one return visit (回访记录), for the file or to be filled in on the visit."""
    require_section(request, SECTION, county_reads=True)
    case = selectors.get_case_for_user(request.user, pk)
    visit = get_object_or_404(MediationReturnVisit.objects.filter(case=case), pk=visit_id)
    full = p.can_see_case_personal_data(request.user, case)
    if full:
        _log(request.user, AccessLog.Action.DOWNLOAD, case, "人民调解回访记录")
    return _pdf(documents.return_visit_record(visit, full=full), f"{case.number}-return-visit-{visit.pk}.pdf")
