"""Reads for people's mediation: which cases a user may see, the case page, the mediator's queue."""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404

from office import escalation
from office.adoption import past_due
from office.documents import documents_of
from office.history import changes_in_words
from office.models import EscalationLevel
from office.onequery import attach, fetch_together, one_row
from office.roles import MEDIATOR, has_role, holders
from petitions.models import Petition
from petitions.selectors import visible_petitions

from .. import permissions
from ..models import (
    AgreementParty,
    LedgerEntry,
    MediationAgreement,
    MediationCase,
    MediationEscalation,
    MediationEvent,
    MediationParty,
    MediationReturnVisit,
    MediationSession,
)
from ..screening.selectors import visible_entries
from .documents import AGREEMENT_KIND

S = MediationCase.Status


def visible_cases(user):
    """Return the cases the user may see: township roles their township's; a mediator their own
    committee's and those they mediate (人民调解法 Art 15: no other committee's parties)."""
    staff = permissions.staff_of(user)
    if staff is None:
        return MediationCase.objects.none()
    county = permissions.county_townships(user)
    if county is not None:  # the 县级督办: the county's cases, never one opened from a confidential petition
        return MediationCase.objects.filter(township_id__in=county).filter(
            Q(petition__isnull=True) | Q(petition__confidential=False))
    cases = MediationCase.objects.filter(township_id=staff.township_id)
    if permissions.sees_whole_township(user):
        return _petition_confidentiality(user, cases)
    # docs/domain.md §2.4: whoever is asked to decide an escalation may open the case read-only.
    asked = escalation.asked(user)
    scope = Q(pk__in=[]) if asked is None else Exists(MediationEscalation.objects.filter(asked, case=OuterRef("pk")))
    if has_role(user, MEDIATOR):  # a post: their committee's cases and their own (Art 15)
        mediates = MediationCase.mediators.through.objects.filter(mediationcase_id=OuterRef("pk"), user_id=user.pk)
        scope |= Q(committee_village_id=staff.village_id) | Exists(mediates)
    elif asked is None:
        return MediationCase.objects.none()
    return _petition_confidentiality(user, cases.filter(scope))


def _petition_confidentiality(user, cases):
    """A case opened from a confidential petition is seen only by those who may open the petition.

    Mediation is no longer opened from a confidential petition (services.open_from_petition); a
    case opened before that rule keeps the petition's confidentiality (docs/domain.md §3.2)."""
    # Only the confidential petitions need the visibility rule: the subquery reads those few (index
    # petition_confidential) instead of every petition of the township for each mediation read (issue 16 §5).
    # Written without a join to the petitions, which made every mediation count read them all.
    staff = permissions.staff_of(user)
    confidential = Petition.objects.filter(township_id=staff.township_id, confidential=True).values("pk")
    return cases.filter(
        Q(petition__isnull=True) | ~Q(petition__in=confidential)
        | Q(petition__in=visible_petitions(user).filter(confidential=True).values("pk"))
    )


def with_list_relations(cases):
    """Load what a list row shows in a fixed number of queries."""
    return cases.select_related("committee_village", "township", "dispute_type__parent", "agreement").prefetch_related(
        Prefetch("party_links", queryset=MediationParty.objects.select_related("person")),
        "mediators",
    )


def get_case_for_user(user, pk):
    """Return one visible case, or 404."""
    return get_object_or_404(visible_cases(user).select_related("township", "committee_village"), pk=pk)


def case_detail(user, pk):
    """One visible case with everything its page shows: the case, every list under it, its agreement's
    parties, its documents, the history of the case and of its agreement, the ladder and whether the user
    may open the petition it came from, read in one statement (office.onequery.fetch_together; issue 16).
    The lists are read by the case's id and thrown away when the case is not visible (a 404)."""
    from jobs.cases import unfinished

    from .case_file import case_file_jobs

    found = fetch_together({
        "case": visible_cases(user).filter(pk=pk).select_related(
            "committee_village", "township", "dispute_type__parent", "agreement", "ladder_level", "registered_by",
            "transferred_to", "ledger_entry", "petition", "agreement__document", "agreement__finalised_by"),
        "party_links": MediationParty.objects.filter(case_id=pk).select_related("person"),
        "mediators": get_user_model().objects.filter(mediation_cases=pk),
        "sessions": MediationSession.objects.filter(case_id=pk).select_related("recorded_by"),
        "events": MediationEvent.objects.filter(case_id=pk).select_related("actor"),
        "return_visits": MediationReturnVisit.objects.filter(case_id=pk).select_related("visited_by"),
        "escalations": MediationEscalation.objects.filter(case_id=pk).select_related(
            "from_level", "to_level", "requested_by", "decided_by"),
        "agreement_parties": AgreementParty.objects.filter(agreement__case_id=pk).order_by("position", "pk"),
        "documents": documents_of(MediationCase(pk=pk)),
        "history": _records(MediationCase.history.model.objects.filter(id=pk)),
        "agreement_history": _records(MediationAgreement.history.model.objects.filter(
            id__in=MediationAgreement.objects.filter(case_id=pk).values("pk"))),
        "levels": EscalationLevel.objects.order_by("rank"),
        # The petition it came from is a link only for those who may open it (its number stays as text).
        "petition_link": visible_petitions(user).filter(mediation_cases=pk).values("pk"),
        "case_file_jobs": case_file_jobs(pk),
    })
    if not found["case"]:
        raise Http404
    case = found["case"][0]
    for name in ("party_links", "mediators", "sessions", "events", "return_visits", "escalations"):
        attach(case, name, found[name])
    case.agreement_or_none = agreement_of(case)
    if case.agreement_or_none is not None:
        attach(case.agreement_or_none, "parties", found["agreement_parties"])
    issued = found["documents"]
    case.agreement_versions = [d for d in issued if d.kind == AGREEMENT_KIND]
    case.other_documents = [d for d in issued if d.kind != AGREEMENT_KIND]
    # The archived case's case-file job while unfinished or failed.
    case.case_file_job = (unfinished(found["case_file_jobs"], user)
                          if case.status == MediationCase.Status.ARCHIVED and case.is_standard else None)
    case.pending_escalations = [e for e in case.escalations.all() if e.state == MediationEscalation.State.PENDING]
    case.pending_visit = next((v for v in case.return_visits.all() if v.visited_on is None), None)
    case.history_records, case.agreement_history_records = found["history"], found["agreement_history"]
    case.ladder_levels = found["levels"]
    case.petition_link = bool(found["petition_link"])
    return case


def _records(history):
    return history.select_related("history_user").order_by("history_date", "history_id")


def agreement_of(case):
    """The case's agreement, or None (without a query when it was joined)."""
    try:
        return case.agreement
    except MediationAgreement.DoesNotExist:
        return None


def case_list(user):
    """Visible cases with what the list shows, newest first."""
    return with_list_relations(visible_cases(user)).order_by("-registered_on", "-sequence")


def _queue_cases(user):
    """The cases a queue is about: a mediator's own; everyone else's visible cases."""
    cases = visible_cases(user)
    if has_role(user, MEDIATOR):  # a post: a mediator's queue is their own cases
        cases = cases.filter(mediators=user)
    return cases


# The queue's sections (docs/architecture.md, "Deep pages"): each shows its first page on the queue and
# pages on its own (?section=…) like every list.
QUEUE_SECTIONS = ("due", "signatures", "performing", "windows", "visits", "waiting")


def queue_section(user, today, name, visit_horizon_days=None):
    """The rows of one queue section in its order, not executed: cases being mediated by due date,
    agreements awaiting signatures or performance, judicial-confirmation windows still open (closing
    first), return visits due within a month, ledger disputes sent to mediation that wait for a case."""
    visit_horizon_days = visit_horizon_days or settings.VISIT_HORIZON_DAYS
    cases = _queue_cases(user).select_related("committee_village", "township", "agreement")
    if name == "due":
        return cases.filter(status__in=MediationCase.MEDIATION_STATUSES).order_by("due_on", "pk")
    if name == "signatures":
        return cases.filter(status=S.AGREED).order_by("agreement__signed_on", "pk")
    if name == "performing":
        return cases.filter(status=S.PERFORMING).order_by("agreement__performance_deadline", "pk")
    if name == "windows":
        return cases.filter(
            agreement__form=MediationAgreement.Form.WRITTEN,
            agreement__effective_on__isnull=False,
            agreement__confirmation_applied_on__isnull=True,
            agreement__confirmation_due_on__gte=today,
        ).order_by("agreement__confirmation_due_on", "pk")
    if name == "visits":
        return MediationReturnVisit.objects.filter(
            case__in=cases, visited_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=visit_horizon_days),
        ).select_related("case__committee_village", "case__agreement").order_by("due_on", "pk")
    if name == "waiting":
        return (visible_entries(user)
                .filter(mediation_requested_on__isnull=False, status__in=LedgerEntry.OPEN_STATUSES,
                        mediation_case__isnull=True)
                .select_related("village", "risk_level")
                .order_by("mediation_requested_on", "pk"))
    raise ValueError(name)


def _first_page(rows, size):
    """(the first ``size`` rows, how many there are): one query, the total counted before the LIMIT."""
    found = list(rows.annotate(section_total=Window(Count("pk")))[:size])
    return found, found[0].section_total if found else 0


def mediator_queue(user, today, soon_days=3, window_warning_days=None, visit_horizon_days=None, size=None,
                   sections=QUEUE_SECTIONS):
    """Return the queue ``sections``, each its first ``size`` rows (a page of the lists) and its total under
    ``totals``. At most four queries, whatever the numbers: the three sections of cases by state in one (a
    rank within each, kept up to ``size``), the confirmation windows, the return visits, the waiting disputes."""
    window_warning_days = window_warning_days or settings.CONFIRMATION_WARNING_DAYS
    size = size or settings.LIST_PAGE_SIZE
    section = Case(When(status__in=MediationCase.MEDIATION_STATUSES, then=Value("due")),
                   When(status=S.AGREED, then=Value("signatures")), default=Value("performing"))
    key = Case(When(status__in=MediationCase.MEDIATION_STATUSES, then=F("due_on")),
               When(status=S.AGREED, then=F("agreement__signed_on")),
               default=F("agreement__performance_deadline"), output_field=DateField())
    by_state = list(
        _queue_cases(user).filter(status__in=[*MediationCase.MEDIATION_STATUSES, S.AGREED, S.PERFORMING])
        .select_related("committee_village", "township", "agreement")
        .annotate(section=section,
                  rank=Window(RowNumber(), partition_by=[section], order_by=[key.asc(), F("pk").asc()]),
                  section_total=Window(Count("pk"), partition_by=[section]))
        .filter(rank__lte=size).order_by("rank")
    )
    wanted = sections
    sections = {name: [c for c in by_state if c.section == name] for name in ("due", "signatures", "performing")}
    totals = {name: rows[0].section_total if rows else 0 for name, rows in sections.items()}
    for name in ("windows", "visits", "waiting"):
        if name in wanted:
            sections[name], totals[name] = _first_page(
                queue_section(user, today, name, visit_horizon_days=visit_horizon_days), size)
    return {
        **sections,
        "totals": totals,
        "soon_days": soon_days,
        "window_warning_days": window_warning_days,
    }


HIDDEN_FIELDS = {"id", "version", "township", "year", "sequence", "series", "history_id", "case", "drafted_at"}


def _versions(records, model):
    return changes_in_words(records, model, HIDDEN_FIELDS)


def case_history(case):
    """The history of the case and its agreement, newest first, each row with what it changed in words
    (their records read by case_detail)."""
    rows = _versions(case.history_records, MediationCase)
    if case.agreement_or_none is not None:
        rows += _versions(case.agreement_history_records, MediationAgreement)
    rows.sort(key=lambda row: (row["record"].history_date, row["record"].history_id))
    return _merged(rows)[::-1]


def _merged(rows):
    """One row per move: a move saves the case and its agreement together (same person, same reason, the
    same moment), so their rows become one with both sets of changes; a row that says nothing (no
    reason, no visible change) is left out."""
    merged = []
    for row in rows:
        record = row["record"]
        same = next((
            m for m in reversed(merged)
            if abs((record.history_date - m["record"].history_date).total_seconds()) < 5
            and m["record"].history_user_id == record.history_user_id
            and (m["record"].history_change_reason or "") == (record.history_change_reason or "")
        ), None)
        if same is not None:
            same["changes"].extend(change for change in row["changes"] if change not in same["changes"])
            continue
        merged.append({"record": record, "changes": list(row["changes"])})
    return [row for row in merged if row["changes"] or row["record"].history_change_reason]


def eligible_mediators(township):
    """Active staff of the township holding the mediator role (village and township committees)."""
    return (
        holders(MEDIATOR, township=township)
        .select_related("staff__village")
        .order_by("staff__village__sort_order", "last_name", "username")
    )


def _window_closing(today, warning_days):
    """A written agreement in effect whose judicial-confirmation window (Art 33) closes within the
    warning days and has not been used."""
    return Q(
        agreement__form=MediationAgreement.Form.WRITTEN,
        agreement__effective_on__isnull=False,
        agreement__confirmation_applied_on__isnull=True,
        agreement__confirmation_due_on__gte=today,
        agreement__confirmation_due_on__lte=today + datetime.timedelta(days=warning_days),
    )


def queue_conditions(today, warning_days=None):
    """The mediation work queues (issue 12 §1) as conditions on a user's queue cases: being mediated,
    past the mediation limit, finalised agreements awaiting signatures, confirmation windows in their
    last week. The menu, the home page and the reminders all read these."""
    warning_days = warning_days or settings.CONFIRMATION_WARNING_DAYS
    return {
        "mediating": Q(status__in=MediationCase.MEDIATION_STATUSES),
        "past-limit": Q(status__in=MediationCase.MEDIATION_STATUSES) & past_due("due_on", today),
        "signatures": Q(status=S.AGREED),
        "windows": _window_closing(today, warning_days),
    }


def queue_cases(user):
    """The cases a user's mediation queues are about (a mediator's own; the center's township)."""
    return _queue_cases(user)


def queue_count_row(user, today, warning_days=None):
    """A one-row queryset counting each mediation queue (not executed; keys with "_" for "-")."""
    conditions = queue_conditions(today, warning_days)
    return one_row(_queue_cases(user), **{k.replace("-", "_"): Count("pk", filter=c) for k, c in conditions.items()})


def queue_counts(user, today, warning_days=None):
    """{queue: count} of the user's mediation queues in one aggregate query."""
    counts = queue_count_row(user, today, warning_days).get()
    return {key: counts[key.replace("-", "_")] for key in queue_conditions(today, warning_days)}
