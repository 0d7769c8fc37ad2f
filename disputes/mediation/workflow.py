"""The mediation case workflow: one transition table and one atomic function per step (docs/architecture.md §2).

Article numbers are those of 人民调解法 (2010).

    registered ─start─▶ mediating ─finalise (written)─▶ agreed ─signatures─▶ performing ─▶ performed
         │                  │  └─oral agreement (Art 28, 30)──────────────▶ performing      │
         │                  │                                                   return visit ▼
         └──────────────────┴─terminate (Art 17, 26) / transfer (Art 25)─▶ terminated   visited ─▶ archived

When the mediation ends (the agreement takes effect, or it is terminated or transferred) the
ledger entry it came from and the petition it was opened from follow, through their own
workflow functions.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from office import calendar, escalation, followup
from office.casekit import Flow, Ladder, keep
from office.history import join_items
from office.models import TimeLimits, Unit, display_name
from office.notify import notify
from office.numbering import next_number
from office.workflow import StaleStateError, TransitionNotAllowed, WorkflowError
from petitions.workflow import record_mediation_outcome

from ..models import (
    AgreementParty,
    LedgerEntry,
    MediationAgreement,
    MediationCase,
    MediationCounter,
    MediationEscalation,
    MediationEvent,
    MediationParty,
    MediationSession,
)
from ..screening import workflow as entry_workflow
from . import documents, permissions
from .case_file import queue_case_file
from .selectors import eligible_mediators

__all__ = ["PermissionDenied", "StaleStateError", "TransitionNotAllowed", "WorkflowError", "TRANSITIONS"]

S = MediationCase.Status
Agreement = MediationAgreement
BEFORE_AGREEMENT = {S.REGISTERED, S.MEDIATING}
WITH_AGREEMENT = {S.AGREED, S.PERFORMING, S.PERFORMED, S.VISITED}
IN_EFFECT = {S.PERFORMING, S.PERFORMED, S.VISITED}

# action: (states it may start from, state it leads to; None = stays, "*" = depends on what is recorded)
TRANSITIONS = {
    "start": ({S.REGISTERED}, S.MEDIATING),
    "assign_mediators": (BEFORE_AGREEMENT, None),
    "record_session": ({S.MEDIATING}, None),
    "extend": (BEFORE_AGREEMENT, None),
    "raise_escalation": (BEFORE_AGREEMENT, None),
    "decide_escalation": (BEFORE_AGREEMENT, None),
    "save_agreement": ({S.MEDIATING}, None),
    "finalise_agreement": ({S.MEDIATING}, S.AGREED),
    "correct_agreement": (WITH_AGREEMENT, None),
    "record_oral_agreement": ({S.MEDIATING}, S.PERFORMING),
    "record_signatures": ({S.AGREED}, S.PERFORMING),
    "record_performance": ({S.PERFORMING}, "*"),
    "apply_confirmation": (IN_EFFECT, None),
    "record_confirmation": (IN_EFFECT, None),
    "record_return_visit": ({S.PERFORMED}, S.VISITED),
    # A party who refuses to sign the finalised agreement ends the mediation too (Art 23 (2)).
    "terminate": ({S.REGISTERED, S.MEDIATING, S.AGREED}, S.TERMINATED),
    "transfer_to_police": (BEFORE_AGREEMENT, S.TERMINATED),
    "archive": ({S.PERFORMED, S.VISITED, S.TERMINATED}, S.ARCHIVED),
}

ACTION_LABELS = {
    "start": gettext_lazy("Start mediation"),
    "assign_mediators": gettext_lazy("Appoint mediators"),
    "record_session": gettext_lazy("Record a mediation session"),
    "extend": gettext_lazy("Extend with the parties' consent"),
    "raise_escalation": gettext_lazy("Escalate one level"),
    "decide_escalation": gettext_lazy("Decide the escalation"),
    "save_agreement": gettext_lazy("Draft the agreement"),
    "finalise_agreement": gettext_lazy("Finalise the agreement"),
    "correct_agreement": gettext_lazy("Issue a corrected version"),
    "record_oral_agreement": gettext_lazy("Record an oral agreement"),
    "record_signatures": gettext_lazy("Record the signatures"),
    "record_performance": gettext_lazy("Record performance"),
    "apply_confirmation": gettext_lazy("Record the application for judicial confirmation"),
    "record_confirmation": gettext_lazy("Record the court's ruling"),
    "record_return_visit": gettext_lazy("Record a return visit"),
    "terminate": gettext_lazy("Terminate the mediation"),
    "transfer_to_police": gettext_lazy("Transfer to the police station"),
    "archive": gettext_lazy("Archive"),
}



FLOW = Flow(
    model=MediationCase,
    event_model=MediationEvent,
    case_field="case",
    transitions=TRANSITIONS,
    action_labels=ACTION_LABELS,
    url_name="disputes:mediation_detail",
    escalation_model=MediationEscalation,
    # docs/domain.md §2.4: a village committee's case starts at rank 1, the township committee's at 5.
    ladder=Ladder(village_id=lambda case: case.committee_village_id,
                  handler_rank=lambda case: escalation.VILLAGE_COMMITTEE_RANK if case.committee_village_id
                  else escalation.TOWNSHIP_CENTER_RANK),
    refusals={"decide_escalation": escalation.pending_refusal},
    lock_related=("township", "committee_village"),
    clean_exclude=("number",),
    # Read from what the case page's selector prepared (selectors.case_detail).
    ready={
        "raise_escalation": lambda case: not escalation.pending_of(case),
        "save_agreement": lambda case: not (case.agreement_or_none and case.agreement_or_none.is_final),
        "finalise_agreement": lambda case: _written(case),
        "correct_agreement": lambda case: _written(case) and case.agreement_or_none.document_id is not None,
        "apply_confirmation": lambda case: bool(case.agreement_or_none and case.agreement_or_none.confirmation_open),
        "record_confirmation": lambda case: bool(
            case.agreement_or_none and case.agreement_or_none.confirmation_applied_on
            and not case.agreement_or_none.confirmation_result),
        "record_return_visit": lambda case: case.pending_visit is not None,
        # A standard case is archived with its case file after the return visit (Art 27).
        "archive": lambda case: not (case.status == S.PERFORMED and case.is_standard),
    },
    rights={
        "start": permissions.can_mediate,
        "assign_mediators": permissions.can_follow_up,
        "record_session": permissions.can_mediate,
        "extend": permissions.can_follow_up,
        "raise_escalation": permissions.can_route_case,
        "decide_escalation": escalation.may_decide_pending,
        "save_agreement": permissions.can_mediate,
        "finalise_agreement": permissions.can_mediate,
        "correct_agreement": permissions.can_mediate,
        "record_oral_agreement": permissions.can_mediate,
        "record_signatures": permissions.can_mediate,
        "record_performance": permissions.can_mediate,
        "apply_confirmation": permissions.can_follow_up,
        "record_confirmation": permissions.can_follow_up,
        "record_return_visit": permissions.can_follow_up,
        "terminate": permissions.can_mediate,
        "transfer_to_police": permissions.can_route_case,
        "archive": permissions.can_follow_up,
    },
)


def _written(case):
    agreement = case.agreement_or_none
    return agreement is not None and agreement.is_written


def _today():
    return timezone.localdate()


def _limits(case):
    return TimeLimits.for_township(case.township)


def _keep(obj, by, fields=None, *, clean=True, action=None):
    """Save a record beside the case (validated unless told not to) with the action as its history reason."""
    return keep(obj, by, fields, reason=FLOW.labels(action) if action else "", clean=clean)


def _case_url(case):
    return reverse("disputes:mediation_detail", args=[case.pk])


def _date_between(value, first, field, message):
    if value is None or value > _today() or (first and value < first):
        raise ValidationError({field: message})


# --- mediation --------------------------------------------------------------------------------


@transaction.atomic
def start_mediation(case, *, by, parties_accept, note="", expected_version=None):
    """Begin mediating once every party accepts it; a party who clearly refuses ends it instead (Art 17)."""
    case = FLOW.lock(case, "start", by, expected_version)
    if not parties_accept:
        raise ValidationError({"parties_accept": _(
            "Mediation may not go ahead when a party clearly refuses it (人民调解法 Art 17): terminate the case instead."
        )})
    from_status = case.status
    case.status = S.MEDIATING
    case.started_on = _today()
    return FLOW.save(case, by, "start", ["started_on"], from_status=from_status, note=note)


@transaction.atomic
def assign_mediators(case, *, by, mediators, expected_version=None):
    """Appoint the mediators of the case (Art 19: designated by the committee or chosen by the parties)."""
    case = FLOW.lock(case, "assign_mediators", by, expected_version)
    mediators = list(mediators)
    allowed = set(eligible_mediators(case.township).values_list("pk", flat=True))
    if not mediators or any(user.pk not in allowed for user in mediators):
        raise ValidationError({"mediators": _("Appoint at least one mediator of this township.")})
    case.mediators.set(mediators)
    names = "、".join(display_name(user) for user in mediators)
    FLOW.save(case, by, "assign_mediators", [], from_status=case.status, note=names)
    notify([u for u in mediators if u.pk != by.pk],
           _("%(number)s: you are appointed to mediate “%(title)s”.") % {"number": case.number, "title": case.title},
           _case_url(case))
    return case


@transaction.atomic
def record_session(case, *, by, held_on, place, attendees, record, agreed="", expected_version=None):
    """Record one session: date, place, who attended, what was said and agreed (Art 27)."""
    case = FLOW.lock(case, "record_session", by, expected_version)
    _date_between(held_on, case.registered_on, "held_on",
                  _("The date must lie between the registration and today."))
    session = _keep(MediationSession(case=case, held_on=held_on, place=place, attendees=attendees, record=record,
                                     agreed=agreed, recorded_by=by), by, action="record_session")
    FLOW.save(case, by, "record_session", [], from_status=case.status, note=f"{held_on:%Y-%m-%d} {place}")
    return session


@transaction.atomic
def extend_mediation(case, *, by, days, reason, parties_agree, expected_version=None):
    """Extend the one-month limit, only when both parties agree (docs/domain.md §3.2)."""
    case = FLOW.lock(case, "extend", by, expected_version)
    if not parties_agree:
        raise ValidationError({"parties_agree": _("The limit is extended only when both parties agree.")})
    limit = _limits(case).mediation_days
    if not 1 <= days <= limit:
        raise ValidationError({"days": _("Extend by 1 to %(limit)d days at a time.") % {"limit": limit}})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for extending.")})
    old = case.due_on
    case.due_on = calendar.add_days(max(old, _today()), days, case.township)
    case.extended = True
    FLOW.save(case, by, "extend", ["due_on", "extended"], from_status=case.status,
          note=_("%(old)s → %(new)s: %(reason)s") % {"old": old, "new": case.due_on, "reason": reason})
    return case


# --- escalation on the ladder (docs/domain.md §2.4) ------------------------------------------------


@transaction.atomic
def raise_case_escalation(case, *, by, reason, expected_version=None):
    """Ask to raise the case one level; only the person at that level may approve (no skipping)."""
    return escalation.raise_escalation(FLOW, case, by=by, reason=reason, expected_version=expected_version)


@transaction.atomic
def decide_case_escalation(pending, *, by, approve, comment=""):
    """Approve (the case moves up one level) or refuse the escalation, with a comment."""
    return escalation.decide_escalation(FLOW, pending, by=by, approve=approve, comment=comment)


# --- the agreement (Art 28–33) --------------------------------------------------------------


class IncompleteAgreementError(WorkflowError):
    """The agreement lacks content the law requires; ``missing`` lists it, nothing was finalised."""

    def __init__(self, missing):
        self.missing = missing
        self.form_errors = missing  # the action page lists them on the form (office.actions)
        super().__init__(_("The agreement cannot be finalised yet. Missing: %(missing)s.")
                         % {"missing": "；".join(missing)})


class AgreementFinalisedError(TransitionNotAllowed):
    """A finalised agreement is never edited in place: a correction issues a new version."""


SNAPSHOT_FIELDS = ["name", "sex", "ethnicity", "birth_date", "age", "id_number", "address", "phone"]
AGREEMENT_FIELDS = ["facts", "disputed_matters", "responsibilities", "terms", "performance_manner",
                    "performance_place", "performance_deadline", "signed_on"]


def _label_of(model, name):
    return str(model._meta.get_field(name).verbose_name)


def missing_contents(agreement):
    """Return what the law requires and the agreement lacks (docs/domain.md §3.3; Art 29), in words."""
    missing = []
    parties = list(agreement.parties.all())
    roles = {party.role for party in parties}
    for role in MediationParty.Role:
        if role not in roles:
            missing.append(_("a party as %(role)s") % {"role": role.label})
    for party in parties:
        lacking = [_label_of(AgreementParty, name) for name in AgreementParty.REQUIRED if not getattr(party, name)]
        if not party.birth_date and party.age is None:
            lacking.append(_("birth date or age"))
        if lacking:
            missing.append(_("%(party)s: %(fields)s") % {"party": party.name or _("a party"), "fields": "、".join(lacking)})
    for name in ["facts", "disputed_matters", "responsibilities", "terms", "performance_manner",
                 "performance_place", "performance_deadline", "signed_on"]:
        value = getattr(agreement, name)
        if not (value.strip() if isinstance(value, str) else value):
            missing.append(_label_of(MediationAgreement, name))
    return missing


def _snapshot(agreement, link):
    person = link.person
    return AgreementParty(
        agreement=agreement, person=person, role=link.role, position=link.position, name=person.name, sex=person.sex,
        ethnicity=person.ethnicity, birth_date=person.birth_date, id_number=person.id_number, address=person.address,
        phone=person.phone,
    )


def _agreement_for(case, by, form, action):
    """The case's agreement, created with a snapshot of every party's basic information."""
    agreement = MediationAgreement.objects.select_for_update().filter(case=case).first()
    if agreement is None:
        agreement = MediationAgreement(case=case, form=form, drafted_by=by, drafted_at=timezone.now(),
                                       facts=case.facts)
        _keep(agreement, by, action=action)
        for link in case.party_links.select_related("person"):
            _keep(_snapshot(agreement, link), by, action=action)
    return agreement


def _apply(agreement, by, data, parties, action):
    """Write the agreement's fields and the parties' snapshots; return the labels of what changed."""
    changed = []
    for name in AGREEMENT_FIELDS:
        if name in data and getattr(agreement, name) != data[name]:
            setattr(agreement, name, data[name])
            changed.append(_label_of(MediationAgreement, name))
    snapshots = {party.person_id: party for party in agreement.parties.all()}
    for person_id, values in (parties or {}).items():
        snapshot = snapshots.get(person_id)
        if snapshot is None:
            raise ValidationError(_("Someone who is not a party to this case was given."))
        fields = [name for name in SNAPSHOT_FIELDS if name in values and getattr(snapshot, name) != values[name]]
        if fields:
            for name in fields:
                setattr(snapshot, name, values[name])
            _keep(snapshot, by, fields, action=action)
            changed.append(snapshot.name)
    agreement.drafted_by, agreement.drafted_at = by, timezone.now()
    _keep(agreement, by, action=action)
    return changed


@transaction.atomic
def save_agreement(case, *, by, data, parties=None, expected_version=None):
    """Save the written agreement as a draft (incomplete is fine); a finalised one is refused.

    ``data`` holds agreement fields (terms as a list); ``parties`` maps a party's person id to the
    fields of their snapshot (taken from the person record when the draft is first saved).
    """
    # Before the kit's checks: a finalised agreement gets its own refusal, with the way to correct it.
    status = MediationCase.objects.values_list("status", flat=True).get(pk=case.pk)
    agreement = MediationAgreement.objects.filter(case_id=case.pk).first()
    if agreement is not None and agreement.is_final and status in TRANSITIONS["correct_agreement"][0]:
        raise AgreementFinalisedError(_(
            "This agreement is finalised and can no longer be edited. Issue a corrected version instead: "
            "it is recorded, and the version issued before stays on file."
        ))
    case = FLOW.lock(case, "save_agreement", by, expected_version)
    agreement = _agreement_for(case, by, Agreement.Form.WRITTEN, "save_agreement")
    changed = _apply(agreement, by, data, parties, "save_agreement")
    FLOW.save(case, by, "save_agreement", [], from_status=case.status, note="、".join(changed))
    return agreement


def _check_complete(agreement):
    missing = missing_contents(agreement)
    if missing:
        raise IncompleteAgreementError(missing)
    agreement.full_clean()  # the performance deadline cannot precede the date of signing


@transaction.atomic
def finalise_agreement(case, *, by, expected_version=None):
    """Check every required content, number the agreement, and issue and store its PDF (frozen)."""
    case = FLOW.lock(case, "finalise_agreement", by, expected_version)
    agreement = MediationAgreement.objects.select_for_update().filter(case=case, form=Agreement.Form.WRITTEN).first()
    if agreement is None:
        raise IncompleteAgreementError([_("the agreement itself: draft it first")])
    _check_complete(agreement)
    # Gap-free per committee and year: the counter row stays locked until this transaction ends,
    # so a failed render below gives the number back (docs/architecture.md §2; see test_mediation_numbering).
    series = f"agreement:{case.committee_village_id or 'township'}"
    year = agreement.signed_on.year
    agreement.series, agreement.year = f"{case.township_id}:{series}", year
    agreement.sequence = next_number(MediationCounter, township=case.township, series=series, year=year)
    # (2026)青溪村人调字第12号 for a village committee, (2026)青溪人调字第3号 for the township's.
    prefix = case.committee_village.name if case.committee_village_id else case.township.short_name
    agreement.number = f"({year}){prefix}人调字第{agreement.sequence}号"
    agreement.finalised_at, agreement.finalised_by = timezone.now(), by
    _keep(agreement, by, action="finalise_agreement")
    agreement.document = documents.issue_agreement(agreement, by=by)
    _keep(agreement, by, ["document"], action="finalise_agreement")
    from_status = case.status
    case.status = S.AGREED
    return FLOW.save(case, by, "finalise_agreement", [], from_status=from_status, note=agreement.number)


@transaction.atomic
def correct_agreement(case, *, by, reason, data, parties=None, expected_version=None):
    """Issue a corrected version of a finalised agreement: recorded, superseding; the old one stays."""
    case = FLOW.lock(case, "correct_agreement", by, expected_version)
    agreement = MediationAgreement.objects.select_for_update().filter(case=case).first()
    if agreement is None or not agreement.is_written or agreement.document_id is None:
        raise TransitionNotAllowed(_("Only a finalised written agreement has versions to correct."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is corrected and why.")})
    if "signed_on" in data and data["signed_on"] and agreement.signed_on and data["signed_on"].year != agreement.signed_on.year:
        raise ValidationError({"signed_on": _("A correction keeps the agreement's number and year.")})
    changed = _apply(agreement, by, data, parties, "correct_agreement")
    if not changed:
        raise ValidationError(_("Nothing was changed: the version on file stands."))
    _check_complete(agreement)
    previous = agreement.document
    agreement.document = documents.issue_agreement(agreement, by=by, supersedes=previous)
    _keep(agreement, by, ["document"], action="correct_agreement")
    FLOW.save(case, by, "correct_agreement", [], from_status=case.status,
          note=_("Version %(version)s: %(reason)s (changed: %(changed)s)")
          % {"version": agreement.document.version, "reason": reason, "changed": "、".join(changed)})
    return agreement


@transaction.atomic
def record_oral_agreement(case, *, by, agreed_on, terms, writing_waived, immediate_performance, facts="",
                          disputed_matters="", performance_manner="", expected_version=None):
    """Record an oral agreement (Art 28): only when the parties find writing unnecessary and performance
    is immediate. It takes effect when reached (Art 30) and is still registered on the case."""
    case = FLOW.lock(case, "record_oral_agreement", by, expected_version)
    errors = {}
    if not writing_waived:
        errors["writing_waived"] = _("An oral agreement only when the parties agree that writing is unnecessary (Art 28).")
    if not immediate_performance:
        errors["immediate_performance"] = _("An oral agreement only when it is performed at once; otherwise write it.")
    if not [term for term in terms if term.strip()]:
        errors["terms"] = _("Record what was agreed (Art 28: the mediator records an oral agreement's content).")
    if agreed_on is None or agreed_on > _today() or agreed_on < case.registered_on:
        errors["agreed_on"] = _("The date must lie between the registration and today.")
    if errors:
        raise ValidationError(errors)
    agreement = _agreement_for(case, by, Agreement.Form.ORAL, "record_oral_agreement")
    agreement.form = Agreement.Form.ORAL
    agreement.writing_waived = agreement.immediate_performance = True
    agreement.terms = [term.strip() for term in terms if term.strip()]
    agreement.facts = facts or agreement.facts
    agreement.disputed_matters = disputed_matters or agreement.disputed_matters
    agreement.performance_manner = performance_manner or agreement.performance_manner
    agreement.signed_on = agreement.effective_on = agreement.performance_deadline = agreed_on
    agreement.drafted_by, agreement.drafted_at = by, timezone.now()
    _keep(agreement, by, action="record_oral_agreement")
    from_status = case.status
    case.status = S.PERFORMING
    case.closed_on = agreed_on
    FLOW.save(case, by, "record_oral_agreement", ["closed_on"], from_status=from_status,
          note=join_items(agreement.terms))
    _took_effect(case, agreement, by)
    return agreement


@transaction.atomic
def record_signatures(case, *, by, effective_on, signed_parties, mediator_signed, seal_applied,
                      expected_version=None):
    """Record that every party and the mediator signed and the seal was applied: it takes effect (Art 29)."""
    case = FLOW.lock(case, "record_signatures", by, expected_version)
    agreement = MediationAgreement.objects.select_for_update().get(case=case)
    everyone = set(agreement.parties.values_list("pk", flat=True))
    errors = {}
    if set(signed_parties) != everyone:
        errors["signed_parties"] = _(
            "The agreement takes effect only when every party has signed. A party who refuses to sign ends "
            "the mediation: terminate it and tell the parties of their other channels (Art 26)."
        )
    if not mediator_signed:
        errors["mediator_signed"] = _("The mediator must sign too (Art 29).")
    if not seal_applied:
        errors["seal_applied"] = _("The committee's seal must be applied (Art 29).")
    if effective_on is None or effective_on > _today() or effective_on < agreement.signed_on:
        errors["effective_on"] = _("The date must lie between the date on the agreement and today.")
    if errors:
        raise ValidationError(errors)
    agreement.effective_on = effective_on
    # Art 33: the parties may jointly apply for judicial confirmation within 30 days of effect.
    agreement.confirmation_due_on = calendar.add_days(effective_on, _limits(case).judicial_confirmation_days,
                                                      case.township)
    _keep(agreement, by, ["effective_on", "confirmation_due_on"], action="record_signatures")
    from_status = case.status
    case.status = S.PERFORMING
    case.closed_on = effective_on
    FLOW.save(case, by, "record_signatures", ["closed_on"], from_status=from_status,
          note=_("%(number)s in effect from %(date)s") % {"number": agreement.number, "date": effective_on})
    _took_effect(case, agreement, by)
    return agreement


def _took_effect(case, agreement, by):
    """Schedule the return visit by class; resolve the ledger entry; note the petition."""
    if case.is_standard:
        followup.schedule_return_visit(case, agreement.effective_on, by)
    what = agreement.number or agreement.get_form_display()
    _follow_links(case, by, "resolve", _("Mediation succeeded: %(what)s, in effect from %(date)s.")
                  % {"what": what, "date": agreement.effective_on})


def _follow_links(case, by, entry_action, note, unit=None):
    """Move the ledger entry and note the petition as the mediation ends, through their workflows."""
    entry = case.ledger_entry
    if entry is not None and entry_action in entry_workflow.allowed_actions(entry):
        if entry_action == "resolve":
            entry_workflow.resolve_entry(entry, by=by, note=f"{case.number} {note}",
                                         how=LedgerEntry.Resolution.MEDIATED)
        elif entry_action == "mark_unresolved":
            entry_workflow.mark_entry_unresolved(entry, by=by, note=f"{case.number} {note}")
        else:
            entry_workflow.transfer_entry_to_police(entry, by=by, unit=unit, note=f"{case.number} {note}")
    petition = case.petition
    if petition is not None and petition.is_open:
        record_mediation_outcome(petition, by=by, note=f"{case.number}（{case.committee_name}）{note}")


@transaction.atomic
def record_performance(case, *, by, performance, note, performed_on=None, expected_version=None):
    """Record how the agreement is performed (Art 31: the committee supervises performance).

    Fully performed moves the case on; partly performed or a party's default is noted and it stays.
    """
    case = FLOW.lock(case, "record_performance", by, expected_version)
    agreement = MediationAgreement.objects.select_for_update().get(case=case)
    if performance not in (Agreement.Performance.PARTIAL, Agreement.Performance.PERFORMED,
                           Agreement.Performance.DEFAULTED):
        raise ValidationError({"performance": _("Choose how the agreement was performed.")})
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    label = Agreement.Performance(performance).label
    agreement.performance_status = performance
    agreement.performance_note = "\n".join(filter(None, [agreement.performance_note,
                                                         f"{_today():%Y-%m-%d} {label}：{note}"]))
    from_status = case.status
    fields = ["performance_status", "performance_note"]
    if performance == Agreement.Performance.PERFORMED:
        _date_between(performed_on, agreement.effective_on, "performed_on",
                      _("The date must lie between the agreement's effect and today."))
        agreement.performed_on = performed_on
        fields.append("performed_on")
        case.status = S.PERFORMED
    elif performance == Agreement.Performance.DEFAULTED:
        # Art 32, 33: the other party may sue, or apply for enforcement of a confirmed agreement.
        note += " · " + _("the other party may sue, or apply to the court for enforcement if it was confirmed")
    _keep(agreement, by, fields, action="record_performance")
    return FLOW.save(case, by, "record_performance", [], from_status=from_status, note=f"{label}：{note}")


@transaction.atomic
def apply_confirmation(case, *, by, applied_on, court, expected_version=None):
    """Record the parties' joint application for judicial confirmation, within 30 days of effect (Art 33)."""
    case = FLOW.lock(case, "apply_confirmation", by, expected_version)
    agreement = MediationAgreement.objects.select_for_update().get(case=case)
    if not agreement.is_written:
        raise TransitionNotAllowed(_("Judicial confirmation is applied for with a written agreement."))
    if agreement.confirmation_applied_on:
        raise TransitionNotAllowed(_("The application was recorded on %(date)s.")
                                   % {"date": agreement.confirmation_applied_on})
    _date_between(applied_on, agreement.effective_on, "applied_on",
                  _("The date must lie between the agreement's effect and today."))
    if applied_on > agreement.confirmation_due_on:
        raise ValidationError({"applied_on": _(
            "The 30-day window for judicial confirmation closed on %(due)s (人民调解法 Art 33)."
        ) % {"due": agreement.confirmation_due_on}})
    if not court.strip():
        raise ValidationError({"court": _("Name the court.")})
    agreement.confirmation_applied_on, agreement.confirmation_court = applied_on, court
    _keep(agreement, by, ["confirmation_applied_on", "confirmation_court"], action="apply_confirmation")
    return FLOW.save(case, by, "apply_confirmation", [], from_status=case.status, note=f"{applied_on} {court}")


@transaction.atomic
def record_confirmation(case, *, by, result, ruling_number, ruled_on, expected_version=None):
    """Record the court's ruling on the application: valid, invalid, or rejected (Art 33)."""
    case = FLOW.lock(case, "record_confirmation", by, expected_version)
    agreement = MediationAgreement.objects.select_for_update().get(case=case)
    if not agreement.confirmation_applied_on:
        raise TransitionNotAllowed(_("Record the application for judicial confirmation first."))
    if agreement.confirmation_result:
        raise TransitionNotAllowed(_("The court's ruling is already recorded."))
    if result not in Agreement.Confirmation.values:
        raise ValidationError({"result": _("Choose the court's ruling.")})
    if not ruling_number.strip():
        raise ValidationError({"ruling_number": _("Enter the ruling's number.")})
    _date_between(ruled_on, agreement.confirmation_applied_on, "ruled_on",
                  _("The date must lie between the application and today."))
    agreement.confirmation_result, agreement.confirmation_ruling_number = result, ruling_number
    agreement.confirmation_ruled_on = ruled_on
    _keep(agreement, by, ["confirmation_result", "confirmation_ruling_number", "confirmation_ruled_on"],
          action="record_confirmation")
    return FLOW.save(case, by, "record_confirmation", [], from_status=case.status,
                 note=f"{Agreement.Confirmation(result).label} {ruling_number}")


@transaction.atomic
def record_return_visit(case, *, by, visited_on, method, reached, result, satisfaction="", expected_version=None):
    """Record the scheduled return visit: method, whether the parties were reached, result, satisfaction."""
    return followup.record_return_visit(
        FLOW, case, by=by, visited_on=visited_on, method=method, reached=reached, result=result,
        satisfaction=satisfaction, expected_version=expected_version, to_status=S.VISITED,
        since=lambda locked: locked.closed_on,
        since_message=_("The date must lie between the agreement and today."),
        none_message=_("No return visit is scheduled: the simple procedure has none."),
    )


# --- ending without an agreement ------------------------------------------------------------


@transaction.atomic
def terminate_mediation(case, *, by, reason, note, channels_told, expected_version=None):
    """End the mediation: a party refuses (Art 17), it failed (Art 26), or the applicant withdrew.

    The parties must have been told they may seek arbitration, administrative or court remedies (Art 26).
    """
    case = FLOW.lock(case, "terminate", by, expected_version)
    reasons = (MediationCase.Termination.REFUSED, MediationCase.Termination.FAILED,
               MediationCase.Termination.WITHDRAWN)
    errors = {}
    if reason not in reasons:
        errors["reason"] = _("Choose why the mediation ends.")
    if not channels_told:
        errors["channels_told"] = _(
            "Tell the parties that they may protect their rights through arbitration, administrative or court "
            "channels (人民调解法 Art 26), then record it."
        )
    if not note.strip():
        errors["note"] = _("Write what happened.")
    if errors:
        raise ValidationError(errors)
    from_status = case.status
    case.status = S.TERMINATED
    case.termination, case.termination_note, case.channels_told = reason, note, True
    case.closed_on = _today()
    label = MediationCase.Termination(reason).label
    FLOW.save(case, by, "terminate", ["termination", "termination_note", "channels_told", "closed_on"],
          from_status=from_status, note=f"{label}：{note}")
    _follow_links(case, by, "mark_unresolved", _("Mediation terminated: %(reason)s. %(note)s")
                  % {"reason": label, "note": note})
    return case


@transaction.atomic
def transfer_case_to_police(case, *, by, unit, note, expected_version=None):
    """Hand a dispute that turns to public order or crime to the police station (Art 25)."""
    case = FLOW.lock(case, "transfer_to_police", by, expected_version)
    if unit is None or unit.kind != Unit.Kind.POLICE or unit.township_id != case.township_id or not unit.is_active:
        raise ValidationError({"unit": _("Choose a police station of this township.")})
    if not note.strip():
        raise ValidationError({"note": _("Write why the matter goes to the police.")})
    from_status = case.status
    case.status = S.TERMINATED
    case.termination, case.termination_note = MediationCase.Termination.TRANSFERRED, note
    case.transferred_to, case.closed_on = unit, _today()
    FLOW.save(case, by, "transfer_to_police", ["termination", "termination_note", "transferred_to", "closed_on"],
          from_status=from_status, note=f"{unit}：{note}")
    _follow_links(case, by, "transfer_to_police", _("Transferred to %(unit)s: %(note)s") % {"unit": unit, "note": note},
                  unit=unit)
    return case


@transaction.atomic
def archive_case(case, *, by, expected_version=None):
    """Archive the case (read-only from then on); a standard case first needs its return visit and gets
    its case file (卷宗), which a background job renders and stores (case_file.py; docs/architecture.md §14)."""
    case = FLOW.lock(case, "archive", by, expected_version)
    if case.status == S.PERFORMED and case.is_standard:
        raise TransitionNotAllowed(_("Record the return visit before archiving (standard procedure)."))
    from_status = case.status
    case.status = S.ARCHIVED
    case.archived_on = _today()
    FLOW.save(case, by, "archive", ["archived_on"], from_status=from_status)
    if case.is_standard:
        # Art 27: the committee files the registration, the records and the agreement as a case file.
        queue_case_file(case, by=by)
    return case
