"""Reads for people's mediation: which cases a user may see, the case page, the mediator's queue."""
import datetime

from django.conf import settings
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from office import escalation
from office.adoption import past_due
from office.documents import documents_of
from office.history import changes_in_words
from office.onequery import one_row
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
    """One visible case with everything its page shows, prefetched (a constant number of queries)."""
    case = get_object_or_404(
        with_list_relations(visible_cases(user)).select_related(
            "ladder_level", "registered_by", "transferred_to", "ledger_entry", "petition",
            "agreement__document", "agreement__finalised_by",
        ).prefetch_related(
            Prefetch("sessions", queryset=MediationSession.objects.select_related("recorded_by")),
            Prefetch("events", queryset=MediationEvent.objects.select_related("actor")),
            Prefetch("return_visits", queryset=MediationReturnVisit.objects.select_related("visited_by")),
            Prefetch("escalations", queryset=MediationEscalation.objects.select_related(
                "from_level", "to_level", "requested_by", "decided_by")),
            Prefetch("agreement__parties", queryset=AgreementParty.objects.order_by("position", "pk")),
        ),
        pk=pk,
    )
    case.agreement_or_none = agreement_of(case)
    issued = list(documents_of(case))
    case.agreement_versions = [d for d in issued if d.kind == AGREEMENT_KIND]
    case.other_documents = [d for d in issued if d.kind != AGREEMENT_KIND]
    case.case_file_job = _case_file_job(case, user)
    case.pending_escalations = [e for e in case.escalations.all() if e.state == MediationEscalation.State.PENDING]
    case.pending_visit = next((v for v in case.return_visits.all() if v.visited_on is None), None)
    return case


def _case_file_job(case, user):
    """The archived case's case-file job while it is unfinished or has failed (the page shows its progress,
    or the error and 重试); None once the case file is among the documents (docs/architecture.md §14)."""
    if case.status != MediationCase.Status.ARCHIVED or not case.is_standard:
        return None
    from jobs.services import current

    from .case_file import latest_case_file_job

    job = latest_case_file_job(case)
    return current(job, user) if job is not None and job.status != job.Status.DONE else None


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


def mediator_queue(user, today, soon_days=3, window_warning_days=None, visit_horizon_days=None):
    """Return the queue sections: cases due, agreements awaiting signatures or performance, return
    visits due (within a month), judicial-confirmation windows still open (closing first), and
    ledger disputes sent to mediation that wait for a case. Three queries, whatever the numbers."""
    window_warning_days = window_warning_days or settings.CONFIRMATION_WARNING_DAYS
    visit_horizon_days = visit_horizon_days or settings.VISIT_HORIZON_DAYS
    cases = _queue_cases(user)
    window_open = Q(
        agreement__form=MediationAgreement.Form.WRITTEN,
        agreement__effective_on__isnull=False,
        agreement__confirmation_applied_on__isnull=True,
        agreement__confirmation_due_on__gte=today,
    )
    pending = list(
        cases.filter(Q(status__in=[S.REGISTERED, S.MEDIATING, S.AGREED, S.PERFORMING]) | window_open)
        .annotate(window_open=ExpressionWrapper(window_open, output_field=BooleanField()))
        .select_related("committee_village", "township", "agreement")
        .order_by("pk")
    )

    def section(statuses, key):
        return sorted((c for c in pending if c.status in statuses), key=lambda c: (key(c), c.pk))

    visits = list(
        MediationReturnVisit.objects.filter(
            case__in=cases, visited_on__isnull=True, due_on__lte=today + datetime.timedelta(days=visit_horizon_days)
        )
        .select_related("case__committee_village", "case__agreement")
        .order_by("due_on", "pk")
    )
    waiting = list(
        visible_entries(user)
        .filter(mediation_requested_on__isnull=False, status__in=LedgerEntry.OPEN_STATUSES,
                mediation_case__isnull=True)
        .select_related("village", "risk_level")
        .order_by("mediation_requested_on", "pk")
    )
    return {
        "due": section(MediationCase.MEDIATION_STATUSES, lambda c: c.due_on),
        "signatures": section([S.AGREED], lambda c: c.agreement.signed_on),
        "performing": section([S.PERFORMING], lambda c: c.agreement.performance_deadline),
        "windows": sorted((c for c in pending if c.window_open), key=lambda c: (c.agreement.confirmation_due_on, c.pk)),
        "visits": visits,
        "waiting": waiting,
        "soon_days": soon_days,
        "window_warning_days": window_warning_days,
    }


HIDDEN_FIELDS = {"id", "version", "township", "year", "sequence", "series", "history_id", "case", "drafted_at"}


def _versions(records, model):
    return changes_in_words(records, model, HIDDEN_FIELDS)


def case_history(case):
    """The history of the case and its agreement, newest first, each row with what it changed in words."""
    rows = _versions(case.history.select_related("history_user").order_by("history_date", "history_id"),
                     MediationCase)
    agreement = getattr(case, "agreement_or_none", None)
    if agreement is not None:
        rows += _versions(agreement.history.select_related("history_user").order_by("history_date", "history_id"),
                          MediationAgreement)
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
