"""Dispute screening pages: thin views that parse a form, call one service, and redirect."""
import datetime
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobs.exports import Export, serve_or_queue
from office import calendar
from office.navigation import section_roles
from office.onequery import fetch_together
from office.pagination import keyset_page
from office.roles import has_role
from office.views import require_section, reveal_personal

from ..models import Campaign, LedgerEntry
from ..periods import PeriodKind, parse_period_key
from . import permissions, selectors, services, workflow
from .documents import brief_pdf
from .exports import export_ledger
from .filters import MONTH_RE, LedgerFilter
from .forms import (
    CampaignForm,
    CarryOverFormSet,
    EntryEditForm,
    EntryFormSet,
    NoteForm,
    PartyForm,
    ReferenceLists,
    ResolveForm,
    RoundNoteForm,
    TransferForm,
)
from .services import PartyData

SECTION = "disputes:index"


def _township(request):
    return request.user.staff.township


def _ledger_filter(request, refs, entries):
    return LedgerFilter(request.GET or None, queryset=entries, request=request, refs=refs)


@require_GET
def index(request):
    """The ledger: every entry the user may see, filtered, searched and paginated."""
    require_section(request, SECTION, county_reads=True)
    refs = ReferenceLists.for_user(request.user)
    entries = selectors.with_list_relations(selectors.visible_entries(request.user))
    ledger = _ledger_filter(request, refs, entries)
    page = keyset_page(request, ledger.qs, settings.LIST_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("cursor", None)
    user = request.user
    return render(
        request,
        "disputes/ledger.html",
        {
            "filter": ledger,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can": {
                "file": permissions.filing_village(user)[0],
                "export": may_export_ledger(user),  # not the county's: it reads the townships' entries
                "compliance": permissions.can_view_compliance(user),
                "brief": permissions.can_view_brief(user),
            },
        },
    )


def may_export_ledger(user):
    """The ledger's export right (checked again inside a background export)."""
    return has_role(user, *section_roles(SECTION)) and permissions.can_export_ledger(user)


def ledger_plan(request):
    """The screening ledger for this user and the list's filters, as an Export."""
    user = request.user
    refs = ReferenceLists.for_user(request.user)
    entries = selectors.with_list_relations(selectors.visible_entries(user))
    ledger = _ledger_filter(request, refs, entries)
    rows = ledger.qs  # as on screen: a filter whose value is not valid is left out
    # A fixed order: the sort chosen on screen, else by date found; the id breaks ties.
    rows = rows.order_by(*rows.query.order_by, "pk") if request.GET.get("sort") else rows.order_by("found_on", "pk")
    staff = user.staff
    township = staff.township
    masked = not permissions.can_see_personal_data(user)
    unit_name = township.name + (staff.unit.name if staff.unit_id else "")
    period_text = ledger.period_text()

    def build(progress):
        return export_ledger(rows, township=township, period_text=period_text, unit_name=unit_name, masked=masked,
                             progress=progress)

    return Export(rows, build, file_name=_("dispute-ledger") + f"-{timezone.localdate():%Y%m%d}.xlsx",
                  log_target="disputes.ledger",
                  log_detail={"filters": {k: v for k, v in request.GET.items() if v}, "masked": masked})


@require_GET
def export(request):
    """The ledger as an Excel file, with the filters shown on screen; logged (in the background when large)."""
    require_section(request, SECTION)
    if not permissions.can_export_ledger(request.user):
        raise PermissionDenied
    return serve_or_queue(request, "screening_ledger", ledger_plan(request))


@require_GET
def round_list(request):
    """The rounds the user may see, newest first."""
    require_section(request, SECTION, county_reads=True)
    rounds = selectors.visible_rounds(request.user).select_related("village", "campaign", "filed_by")
    page = keyset_page(request, selectors.with_entry_counts(rounds), settings.LIST_PAGE_SIZE)
    return render(
        request,
        "disputes/round_list.html",
        {"page": page, "can_file": permissions.filing_village(request.user)[0]},
    )


def _period_from_key(key, township, cadence):
    """Return the period a key names for a unit of this cadence, or None."""
    kind, _sep, value = key.partition(":")
    if kind == PeriodKind.CAMPAIGN:
        campaign = Campaign.objects.filter(township=township, pk=int(value)).first() if value.isdigit() else None
        return campaign.period if campaign else None
    try:
        period = parse_period_key(key, cadence.anchor)
    except ValueError:
        return None
    return period if period.kind == cadence.kind else None


def _exists_message(existing):
    return format_html(
        '{} <a href="{}">{}</a>',
        _("A round for this period has already been filed."),
        reverse("disputes:round_detail", args=[existing.pk]),
        _("Open it"),
    )


def _bind_carry_over(formset, carried, today):
    """Tie each carry-over form to its entry (by the hidden id), limit its choices, note its age."""
    by_id = {entry.pk: entry for entry in carried}
    for form in formset.forms:
        try:
            entry = by_id.get(int(form["entry"].value()))
        except (TypeError, ValueError):
            entry = None
        form.ledger_entry = entry
        if entry is not None:
            form.limit_to(entry)
            form.age_days = entry.age_on(today)


@require_http_methods(["GET", "POST"])
def round_new(request):
    """File a round: new disputes added inline, carried-over ones updated, or a zero report."""
    require_section(request, SECTION)
    user = request.user
    files, village = permissions.filing_village(user)
    requested = request.POST.get("village") or request.GET.get("village")
    if not files or (requested and str(village.pk if village else "") != requested):
        # A mediator files for their own village only, never for another one.
        raise PermissionDenied
    township = _township(request)
    today = timezone.localdate()
    cadence = services.cadence_for(village)
    options = selectors.filing_options(township, village, today, cadence)
    current = next(period for period, _round in options if period.kind != PeriodKind.CAMPAIGN and period.contains(today))
    key = request.POST.get("period") or request.GET.get("period") or current.key
    period = _period_from_key(key, township, cadence)
    if period is None:
        messages.error(request, _("There is no such period for this unit."))
        return redirect("disputes:round_new")
    # The period's round, the open entries carried over with their parties, and the forms' lists: one statement.
    carried = selectors.carry_over_entries(township, village, period)
    read = fetch_together({"existing": services.round_of(township, village, period), "carried": carried,
                           "parties": selectors.parties_of(carried), **ReferenceLists.parts(user)})
    existing = next(iter(read["existing"]), None)
    future = period.starts_on > today
    carried = read["carried"]
    selectors.attach_parties(carried, read["parties"])
    refs = ReferenceLists.for_user(user, read)
    data = request.POST if request.method == "POST" else None
    entry_forms = EntryFormSet(data, prefix="entries", form_kwargs={"refs": refs})
    carry_forms = CarryOverFormSet(data, prefix="carry", initial=[{"entry": e.pk} for e in carried])
    note_form = RoundNoteForm(data)
    _bind_carry_over(carry_forms, carried, today)

    zero_report = bool(request.POST.get("zero_report"))
    confirm_zero = False
    if request.method == "POST":
        if existing:
            messages.error(request, _exists_message(existing))
        elif zero_report and not request.POST.get("zero_confirmed") and not future:
            # One confirmation before a zero report goes in (it says nothing was found in the whole period).
            confirm_zero = True
        elif future:
            messages.error(request, _("A round can be filed only for the current period or an earlier one."))
        elif entry_forms.is_valid() and carry_forms.is_valid() and note_form.is_valid():
            entries = [form.entry_data() for form in entry_forms.forms if form.has_changed()]
            updates = [
                services.CarryOverUpdate(form.ledger_entry.pk, form.cleaned_data["outcome"], form.cleaned_data["note"],
                                         form.cleaned_data.get("how", ""))
                for form in carry_forms.forms
                if form.ledger_entry is not None and form.cleaned_data.get("outcome")
            ]
            try:
                screening_round = services.file_round(
                    by=user,
                    village=village,
                    period=period,
                    zero_report=zero_report,
                    entries=entries,
                    updates=updates,
                    note=note_form.cleaned_data["note"],
                )
            except services.RoundExistsError as error:
                existing = error.existing
                messages.error(request, _exists_message(existing))
            except workflow.WorkflowError as error:
                messages.error(request, error.message)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if screening_round.zero_report:
                    messages.success(request, _("Zero report filed for %(period)s.") % {"period": period})
                else:
                    messages.success(
                        request,
                        _("Round filed for %(period)s with %(count)s new disputes.")
                        % {"period": period, "count": len(entries)},
                    )
                return redirect("disputes:round_detail", pk=screening_round.pk)
        else:
            messages.error(request, _("Please correct the errors below."))

    return render(
        request,
        "disputes/round_form.html",
        {
            "unit_name": village.name if village else _("Township center"),
            "village": village,
            "options": options,
            "period": period,
            "due_on": calendar.add_days(period.ends_on, cadence.grace_days, township),
            "existing": existing,
            "future": future,
            "entry_forms": entry_forms,
            "carry_forms": carry_forms,
            "note_form": note_form,
            "today": today,
            "confirm_zero": confirm_zero,
        },
    )


@require_GET
def round_detail(request, pk):
    """One round: the disputes found in it and those carried over, with their age."""
    require_section(request, SECTION, county_reads=True)
    screening_round = selectors.get_round_for_user(request.user, pk)
    items = list(selectors.round_items(screening_round))
    return render(
        request,
        "disputes/round_detail.html",
        {
            "round": screening_round,
            "new_items": [item for item in items if not item.is_carry_over],
            "carried_items": [item for item in items if item.is_carry_over],
            "today": timezone.localdate(),
            "can_withdraw": permissions.can_withdraw_zero_report(request.user, screening_round, timezone.localdate()),
        },
    )


@require_POST
def round_withdraw(request, pk):
    """Withdraw a zero report (its filer, until the period's deadline); then the round can be filed anew."""
    require_section(request, SECTION)
    screening_round = selectors.get_round_for_user(request.user, pk)
    if not permissions.can_file_round(request.user, screening_round.township, screening_round.village):
        raise PermissionDenied
    period_key = screening_round.period.key
    try:
        services.withdraw_zero_report(screening_round, by=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
        return redirect("disputes:round_detail", pk=pk)
    messages.success(request, _("The zero report is withdrawn. File the round for this period again."))
    return redirect(reverse("disputes:round_new") + f"?period={quote(period_key)}")


def _entry_can(user, entry):
    return {
        **workflow.FLOW.offers(user, entry),
        "edit": permissions.can_edit_entry(user, entry),
        "personal_data": permissions.can_see_personal_data(user),
        "open_mediation": _mediation_case(entry) is None and permissions.can_open_from_entry(user, entry),
    }


def _mediation_case(entry):
    """The mediation case opened from the entry, or None (joined by the selector: no query)."""
    try:
        return entry.mediation_case
    except LedgerEntry.mediation_case.RelatedObjectDoesNotExist:
        return None


@require_GET
def entry_detail(request, pk):
    """One entry: its details, parties (masked), what it led to, the rounds it appeared in, timeline and history."""
    require_section(request, SECTION, county_reads=True)
    return _render_entry(request, selectors.entry_page(request.user, pk), show_personal=False)


@require_POST
def entry_show_personal(request, pk):
    """The entry page with the parties' full ID numbers, phones and addresses, on request and logged."""
    require_section(request, SECTION, county_reads=True)
    page = selectors.entry_page(request.user, pk)
    entry = page[0]
    if not permissions.can_see_personal_data(request.user):
        raise PermissionDenied
    people = [link.person_id for link in entry.party_links.all()]
    reveal_personal(request, entry, people, f"disputes.ledgerentry:{entry.pk}")
    return _render_entry(request, page, show_personal=True)


def _render_entry(request, page, *, show_personal):
    """The entry's page from what ``selectors.entry_page`` read."""
    entry, events, appearances, records = page
    return render(
        request,
        "disputes/entry_detail.html",
        {
            "entry": entry,
            "can": _entry_can(request.user, entry),
            "show_personal": show_personal,
            "events": events,
            "appearances": appearances,
            "history": selectors.entry_history(entry, records),
            "today": timezone.localdate(),
        },
    )


def _next_or(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _note_form(data, entry):
    return NoteForm(data, initial={"version": entry.version})


def _resolve_form(data, entry):
    return ResolveForm(data, initial={"version": entry.version})


def _transfer_form(data, entry):
    return TransferForm(data, township=entry.township, initial={"version": entry.version})


def _edit_form(data, entry):
    return EntryEditForm(data, initial=EntryEditForm.initial_for(entry), refs=ReferenceLists(entry.township))


def _party_form(data, entry):
    return PartyForm(data)


@dataclass(frozen=True)
class EntryAction:
    """One thing done to an entry: its page's words, who may, the form, and its one service function."""

    title: str
    explanation: str
    button: str
    done: str
    permission: object  # None for a move of the table: it is checked with the move's own right
    run: object
    form: object = _note_form
    # The name in the workflow's transition table; None for changes that are not moves.
    move: str | None = None


ENTRY_ACTIONS = {
    "resolve": EntryAction(
        gettext_lazy("Mark resolved"),
        gettext_lazy("Say how the dispute was settled (e.g. agreement reached, parties reconciled)."),
        gettext_lazy("Mark resolved"),
        gettext_lazy("The dispute is marked resolved."),
        None,  # the move's own right: workflow.FLOW.rights
        lambda entry, user, data: workflow.resolve_entry(entry, by=user, note=data["note"], how=data["how"],
                                                         expected_version=data.get("version")),
        _resolve_form,
        move="resolve",
    ),
    "mark_unresolved": EntryAction(
        gettext_lazy("Mark unresolved"),
        gettext_lazy("Say why the dispute could not be resolved so far; it stays on the ledger and carries over."),
        gettext_lazy("Mark unresolved"),
        gettext_lazy("The dispute is marked unresolved."),
        None,  # the move's own right: workflow.FLOW.rights
        lambda entry, user, data: workflow.mark_entry_unresolved(entry, by=user, note=data["note"], expected_version=data.get("version")),
        move="mark_unresolved",
    ),
    "transfer_to_police": EntryAction(
        gettext_lazy("Transfer to the police station"),
        gettext_lazy("For public-order or criminal matters. The police station follows it up from here."),
        gettext_lazy("Transfer"),
        gettext_lazy("The dispute is transferred to the police station."),
        None,  # the move's own right: workflow.FLOW.rights
        lambda entry, user, data: workflow.transfer_entry_to_police(
            entry, by=user, unit=data["unit"], note=data["note"], expected_version=data.get("version")
        ),
        _transfer_form,
        move="transfer_to_police",
    ),
    "refer_to_meeting": EntryAction(
        gettext_lazy("Refer to a special meeting"),
        gettext_lazy("For large, group or sudden disputes: the township's special meeting (专题会议) takes it on."),
        gettext_lazy("Refer"),
        gettext_lazy("The dispute is referred to a township special meeting."),
        None,  # the move's own right: workflow.FLOW.rights
        lambda entry, user, data: workflow.refer_entry_to_meeting(entry, by=user, note=data["note"], expected_version=data.get("version")),
        move="refer_to_meeting",
    ),
    "request_mediation": EntryAction(
        gettext_lazy("Request mediation"),
        gettext_lazy(
            "For ordinary civil disputes: record that the dispute goes to people's mediation. "
            "The mediation case is opened from this request."
        ),
        gettext_lazy("Request mediation"),
        gettext_lazy("Mediation is requested for this dispute."),
        None,  # the move's own right: workflow.FLOW.rights
        lambda entry, user, data: workflow.request_mediation(entry, by=user, note=data["note"], expected_version=data.get("version")),
        move="request_mediation",
    ),
    "edit": EntryAction(
        gettext_lazy("Correct details"),
        gettext_lazy("Correct or update the details; the change is kept in the entry's history."),
        gettext_lazy("Save"),
        gettext_lazy("The entry is updated."),
        permissions.can_edit_entry,
        lambda entry, user, data: services.update_entry(
            entry, by=user, changes={k: v for k, v in data.items() if k != "note"}, note=data["note"]
        ),
        _edit_form,
    ),
    "add_party": EntryAction(
        gettext_lazy("Add a party"),
        "",
        gettext_lazy("Add"),
        gettext_lazy("The party is added."),
        permissions.can_edit_entry,
        lambda entry, user, data: services.add_party(entry, by=user, party=PartyData(**data)),
        _party_form,
    ),
}


def _entry_action(request, pk, name):
    """Show the action's form on GET; run its one service or workflow function on POST."""
    require_section(request, SECTION)
    user = request.user
    entry = selectors.get_entry_for_user(user, pk)
    action = ENTRY_ACTIONS[name]
    right = workflow.FLOW.rights[action.move] if action.move else action.permission
    if not right(user, entry):
        raise PermissionDenied
    form = action.form(request.POST if request.method == "POST" else None, entry)
    if request.method == "POST" and form.is_valid():
        try:
            action.run(entry, user, form.cleaned_data)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, action.done)
            return redirect(_next_or(request, reverse("disputes:entry_detail", args=[entry.pk])))
    return render(
        request,
        "disputes/entry_action.html",
        {
            "entry": entry,
            "action": action,
            "form": form,
            "allowed": action.move is None or action.move in workflow.allowed_actions(entry),
            "next": _next_or(request, ""),
        },
    )


@require_http_methods(["GET", "POST"])
def entry_resolve(request, pk):
    return _entry_action(request, pk, "resolve")


@require_http_methods(["GET", "POST"])
def entry_mark_unresolved(request, pk):
    return _entry_action(request, pk, "mark_unresolved")


@require_http_methods(["GET", "POST"])
def entry_transfer(request, pk):
    return _entry_action(request, pk, "transfer_to_police")


@require_http_methods(["GET", "POST"])
def entry_meeting(request, pk):
    return _entry_action(request, pk, "refer_to_meeting")


@require_http_methods(["GET", "POST"])
def entry_mediation(request, pk):
    return _entry_action(request, pk, "request_mediation")


@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    """Correct an open entry's details (risk level, measures, deadline …)."""
    return _entry_action(request, pk, "edit")


@require_http_methods(["GET", "POST"])
def entry_add_party(request, pk):
    """Add a further party to an entry."""
    return _entry_action(request, pk, "add_party")


def _count(request, default=8, most=26):
    try:
        return max(1, min(most, int(request.GET.get("n", default))))
    except ValueError:
        return default


@require_GET
def compliance(request):
    """Who has filed, late, or not at all: units × the current and last N periods."""
    require_section(request, SECTION)
    if not permissions.can_view_compliance(request.user):
        raise PermissionDenied
    return compliance_page(request, _township(request))


def compliance_page(request, township):
    """The who-has-filed board of one township, for the caller who checked the user may read it (the
    township's center here; the county's roll-up for its townships, reports/county_views.py)."""
    count = _count(request)
    board = selectors.compliance_board(township, timezone.localdate(), count)
    grids = [board[selectors.Scope.VILLAGE], board[selectors.Scope.TOWNSHIP]]
    return render(
        request,
        "disputes/compliance.html",
        {
            "villages": grids[0],
            "township_grid": grids[1],
            "to_chase": [row for grid in grids for row in grid["rows"] if row.not_filed],
            "count": count,
            "township": township,
            "go_live_on": township.go_live_on,
            "can_start_campaign": permissions.can_start_campaign(request.user),
        },
    )


def _month(request):
    today = timezone.localdate()
    match = MONTH_RE.match(request.GET.get("month", ""))
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= today.year:
        first = datetime.date(int(match[1]), int(match[2]), 1)
        if first <= today:
            return first
    return today.replace(day=1)


def _brief(request):
    require_section(request, SECTION)
    if not permissions.can_view_brief(request.user):
        raise PermissionDenied
    first = _month(request)
    township = _township(request)
    return township, selectors.monthly_brief(township, first.year, first.month, timezone.localdate())


@require_GET
def brief(request):
    """The monthly analysis brief (研判例会) as a page."""
    township, data = _brief(request)
    return render(request, "disputes/brief.html", {"brief": data, "township": township, "month": f"{data['first']:%Y-%m}"})


@require_GET
def brief_download(request):
    """The monthly analysis brief as a printable PDF."""
    township, data = _brief(request)
    response = HttpResponse(brief_pdf(data, township=township), content_type="application/pdf")
    filename = _("dispute-brief") + f"-{data['first']:%Y-%m}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


@require_http_methods(["GET", "POST"])
def campaign_new(request):
    """Announce a special screening campaign (集中排查)."""
    require_section(request, SECTION)
    if not permissions.can_start_campaign(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.start_campaign(by=request.user, **form.cleaned_data)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The special campaign “%(name)s” is announced.") % {"name": campaign.name})
            return redirect("disputes:compliance")
    return render(request, "disputes/campaign_form.html", {"form": form})

