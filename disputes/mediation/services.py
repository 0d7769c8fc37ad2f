"""Opening a mediation case: from a party's application (or the committee's initiative, the police,
a court), from a ledger entry, or from a petition. Moves of an open case are in disputes.mediation.workflow.

Article numbers are those of 人民调解法 (2010).
"""
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office import calendar
from office.models import TimeLimits
from office.notify import notify
from office.numbering import next_number
from office.people import find_or_create_person
from petitions.models import Petition

from ..models import LedgerEntry, MediationCase, MediationCounter, MediationEvent, MediationParty
from ..screening import permissions as entry_permissions
from ..screening import workflow as entry_workflow
from . import permissions
from .selectors import eligible_mediators
from .workflow import FLOW

Source = MediationCase.Source
Role = MediationParty.Role


@dataclass
class CaseParty:
    """One party as the registration form gives it: an existing person, or what was typed."""

    role: str
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    sex: str = ""
    ethnicity: str = ""
    birth_date: datetime.date | None = None
    person: object = None


@dataclass
class CaseData:
    """What the registration form gives for a new case, whatever its source."""

    committee_village: object
    title: str
    dispute_type: object
    facts: str
    mediators: list
    case_class: int = 2
    procedure: str = MediationCase.Procedure.STANDARD
    claims: str = ""
    place: str = ""
    source: str = Source.APPLICATION
    source_organ: str = ""
    source_reference: str = ""
    ladder_level: object = None


def _person(township, village, party):
    return find_or_create_person(
        township, person=party.person, name=party.name, sex=party.sex, ethnicity=party.ethnicity,
        birth_date=party.birth_date, id_number=party.id_number, phone=party.phone, address=party.address,
        case_village=village,
    )


def _check(township, data, parties):
    roles = {party.role for party in parties}
    if Role.APPLICANT not in roles or Role.RESPONDENT not in roles:
        raise ValidationError(_("A mediation needs at least one applicant and one respondent."))
    if not data.mediators:
        raise ValidationError({"mediators": _("Appoint at least one mediator (人民调解法 Art 19).")})
    allowed = set(eligible_mediators(township).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in data.mediators):
        raise ValidationError({"mediators": _("Mediators must be mediators of this township.")})
    if data.committee_village is not None and data.committee_village.township_id != township.pk:
        raise ValidationError({"committee_village": _("The village belongs to another township.")})


def _open(*, by, township, data, parties, ledger_entry=None, petition=None):
    """Create the case with its parties, number it, and record the registration."""
    _check(township, data, parties)
    today = timezone.localdate()
    year = today.year
    sequence = next_number(MediationCounter, township=township, series="case", year=year)
    case = MediationCase(
        township=township,
        number=f"TJ-{year}-{sequence:04d}",
        year=year,
        sequence=sequence,
        committee_village=data.committee_village,
        source=data.source,
        source_organ=data.source_organ,
        source_reference=data.source_reference,
        ledger_entry=ledger_entry,
        petition=petition,
        title=data.title,
        dispute_type=data.dispute_type,
        place=data.place,
        facts=data.facts,
        claims=data.claims,
        case_class=data.case_class,
        procedure=data.procedure,
        # The case starts at its committee's rank (docs/domain.md §2.4, office.escalation.current_level).
        ladder_level=data.ladder_level,
        registered_on=today,
        # Customary limit: one month from registration (docs/domain.md §3.2), extendable with consent.
        due_on=calendar.add_days(today, TimeLimits.for_township(township).mediation_days, township),
        registered_by=by,
    )
    case.full_clean(exclude=["number"])
    case._change_reason = _("Registered")
    case._history_user = by
    case.save()
    case.mediators.set(data.mediators)
    village = data.committee_village
    for position, party in enumerate(parties):
        person = _person(township, village, party)
        _link, created = MediationParty.objects.get_or_create(
            case=case, person=person, defaults={"role": party.role, "position": position}
        )
        if not created:
            raise ValidationError(_("%(name)s is named twice among the parties.") % {"name": person.name})
    FLOW.record(case, by, MediationEvent.Action.REGISTERED, from_status="",
                note=f"{case.get_source_display()} · {case.committee_name}")
    notify(
        [user for user in data.mediators if user.pk != by.pk],
        _("%(number)s: you are appointed to mediate “%(title)s”.") % {"number": case.number, "title": case.title},
        reverse("disputes:mediation_detail", args=[case.pk]),
    )
    return case


DIRECT_SOURCES = (Source.APPLICATION, Source.INITIATIVE, Source.POLICE, Source.COURT)


@transaction.atomic
def register_case(*, by, data, parties):
    """Register a case brought by a party (Art 17), taken up by the committee, or entrusted (Art 18)."""
    if not permissions.can_open_case(by, data.committee_village):
        raise PermissionDenied
    if data.source not in DIRECT_SOURCES:
        raise ValidationError({"source": _("Open a case from a ledger entry or a petition from its own page.")})
    return _open(by=by, township=by.staff.township, data=data, parties=parties)


@transaction.atomic
def open_from_entry(entry, *, by, data, roles, note=""):
    """Open the mediation case of a ledger entry; its parties take the roles given ({person id: role}).

    Completes the screening ledger's request for mediation: the entry records the request (if
    nobody had) and links to the case, whose ending moves it to resolved or unresolved.
    """
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry_permissions.can_open_from_entry(by, entry) or not permissions.can_open_case(by, data.committee_village):
        raise PermissionDenied
    if MediationCase.objects.filter(ledger_entry=entry).exists():
        raise entry_workflow.WorkflowError(_("A mediation case was already opened for this dispute."))
    if not entry.mediation_requested_on:
        entry_workflow.request_mediation(entry, by=by, note=note or _("Mediation case opened."))
        entry.refresh_from_db()
    parties = [
        CaseParty(role=roles.get(link.person_id, Role.RESPONDENT), person=link.person)
        for link in entry.party_links.select_related("person")
    ]
    data.source = Source.LEDGER
    return _open(by=by, township=entry.township, data=data, parties=parties, ledger_entry=entry)


@transaction.atomic
def open_from_petition(petition, *, by, data, respondents):
    """Open mediation from a petition in progress: its petitioners apply, the respondents are named."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    refused = permissions.mediation_refused_reason(petition)
    if refused:
        raise ValidationError(refused)
    if not permissions.can_open_from_petition(by, petition):
        raise PermissionDenied
    if petition.mediation_cases.filter(status__in=MediationCase.OPEN_STATUSES).exists():
        raise entry_workflow.WorkflowError(_("A mediation opened from this petition is still open."))
    parties = [CaseParty(role=Role.APPLICANT, person=link.person) for link in petition.parties.select_related("person")]
    parties += [party for party in respondents if party.name.strip()]
    data.source = Source.PETITION
    return _open(by=by, township=petition.township, data=data, parties=parties, petition=petition)
