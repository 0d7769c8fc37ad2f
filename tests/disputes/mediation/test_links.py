"""Mediation opened from a ledger entry or a petition; when it ends, the entry's status and a note on
the petition follow, through their own workflow functions."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from disputes.mediation import services, workflow
from disputes.models import EntryEvent, LedgerEntry, MediationCase
from disputes.screening import workflow as entry_workflow
from disputes.screening.services import PartyData
from office.roles import MEDIATOR
from petitions.models import CaseEvent
from tests.builders import make_user, petition_in_state

from ..builders import dispute_type, found_entry
from .builders import advance, case_data, parties

pytestmark = pytest.mark.django_db
S = MediationCase.Status
Entry = LedgerEntry.Status


def complete_parties():
    """Ledger parties with what an agreement must state (ID numbers give sex and birth date)."""
    a, b = parties()
    return [PartyData(name=a.name, id_number=a.id_number, phone=a.phone, address=a.address),
            PartyData(name=b.name, id_number=b.id_number, phone=b.phone, address=b.address)]


def open_from_entry(entry, by, mediators=None, **overrides):
    links = list(entry.party_links.all())
    roles = {link.person_id: "applicant" if i == 0 else "respondent" for i, link in enumerate(links)}
    overrides.setdefault("village", entry.village)
    data = case_data(mediators or [by], **overrides)
    return services.open_from_entry(entry, by=by, data=data, roles=roles)


def test_opening_from_an_entry_links_them_and_records_the_request(mediator):
    entry = found_entry(mediator, parties=complete_parties())
    case = open_from_entry(entry, mediator)
    entry.refresh_from_db()
    assert case.ledger_entry == entry and case.source == "ledger"
    assert [(l.role, l.person_id) for l in case.party_links.all()] == [
        ("applicant", entry.party_links.all()[0].person_id), ("respondent", entry.party_links.all()[1].person_id)]
    assert entry.mediation_requested_on and entry.events.last().action == EntryEvent.Action.MEDIATION_REQUESTED
    assert entry.status == Entry.IN_PROGRESS
    with pytest.raises(entry_workflow.WorkflowError):
        open_from_entry(entry, mediator)


def test_a_request_made_earlier_is_completed_not_repeated(mediator, coordinator):
    entry = found_entry(mediator, parties=complete_parties())
    entry_workflow.request_mediation(entry, by=coordinator, note="转村调委会调解")
    events = entry.events.count()
    open_from_entry(entry, mediator)
    assert entry.events.count() == events


def test_an_agreement_taking_effect_resolves_the_entry(mediator):
    entry = found_entry(mediator, parties=complete_parties())
    case = advance(open_from_entry(entry, mediator), mediator, S.AGREED)
    entry.refresh_from_db()
    assert entry.status == Entry.IN_PROGRESS, "not yet: the agreement is not signed"
    advance(case, mediator, S.PERFORMING)
    entry.refresh_from_db()
    assert entry.status == Entry.RESOLVED and entry.closed_on
    event = entry.events.last()
    assert event.action == EntryEvent.Action.RESOLVED and event.actor == mediator
    assert case.agreement.number in event.note and case.number in event.note


def test_an_oral_agreement_resolves_the_entry_too(mediator):
    entry = found_entry(mediator, parties=complete_parties())
    advance(open_from_entry(entry, mediator), mediator, S.PERFORMING, form="oral")
    entry.refresh_from_db()
    assert entry.status == Entry.RESOLVED


def test_termination_marks_the_entry_unresolved(mediator):
    entry = found_entry(mediator, parties=complete_parties())
    advance(open_from_entry(entry, mediator), mediator, S.TERMINATED)
    entry.refresh_from_db()
    assert entry.status == Entry.UNRESOLVED
    assert entry.events.last().action == EntryEvent.Action.UNRESOLVED and "TJ-" in entry.events.last().note


def test_a_transfer_to_the_police_transfers_the_entry(mediator, police):
    entry = found_entry(mediator, parties=complete_parties())
    case = open_from_entry(entry, mediator)
    workflow.transfer_case_to_police(case, by=mediator, unit=police, note="双方持械对峙")
    entry.refresh_from_db()
    assert entry.status == Entry.TRANSFERRED and entry.transferred_to == police


def test_a_township_mediator_moves_a_village_entry_it_mediates(township, mediator, coordinator):
    entry = found_entry(mediator, parties=complete_parties())
    township_mediator = make_user(MEDIATOR, township)
    case = open_from_entry(entry, coordinator, mediators=[township_mediator], village=None)
    assert case.committee_village is None
    advance(case, township_mediator, S.PERFORMING)
    entry.refresh_from_db()
    assert entry.status == Entry.RESOLVED and entry.events.last().actor == township_mediator


def test_an_entry_already_closed_is_left_alone(mediator, coordinator):
    entry = found_entry(mediator, parties=complete_parties())
    case = open_from_entry(entry, mediator)
    entry_workflow.resolve_entry(entry, by=coordinator, note="双方自行和解", how="settled")
    advance(case, mediator, S.TERMINATED)
    entry.refresh_from_db()
    assert entry.status == Entry.RESOLVED


def test_the_entry_page_offers_and_then_links_the_case(client, mediator):
    entry = found_entry(mediator, parties=complete_parties())
    client.force_login(mediator)
    page = client.get(reverse("disputes:entry_detail", args=[entry.pk]))
    assert page.context["can"]["open_mediation"] and "open-mediation" in page.content.decode()
    case = open_from_entry(entry, mediator)
    body = client.get(reverse("disputes:entry_detail", args=[entry.pk])).content.decode()
    assert "open-mediation" not in body and reverse("disputes:mediation_detail", args=[case.pk]) in body
    body = client.get(reverse("disputes:mediation_detail", args=[case.pk])).content.decode()
    assert reverse("disputes:entry_detail", args=[entry.pk]) in body


def test_open_from_the_entry_page(client, mediator):
    entry = found_entry(mediator, parties=complete_parties())
    client.force_login(mediator)
    page = client.get(reverse("disputes:entry_open_mediation", args=[entry.pk]))
    form = page.context["form"]
    assert form.initial["title"] == entry.title
    first, second = [link.person_id for link in entry.party_links.all()]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"mediators": [mediator.pk], f"role_{first}": "respondent", f"role_{second}": "applicant",
                 "ladder_level": ""})
    response = client.post(reverse("disputes:entry_open_mediation", args=[entry.pk]), data)
    case = MediationCase.objects.get()
    assert response["Location"] == reverse("disputes:mediation_detail", args=[case.pk])
    assert dict(case.party_links.values_list("person_id", "role")) == {first: "respondent", second: "applicant"}


def test_a_handler_may_not_open_mediation_from_an_entry(mediator, handler):
    entry = found_entry(mediator, parties=complete_parties())
    with pytest.raises(PermissionDenied):
        open_from_entry(entry, handler, mediators=[mediator])


# --- petitions ----------------------------------------------------------------------------------


def respondent():
    return services.CaseParty(role="respondent", name="李四", phone="13987654321")


def from_petition(petition, by, mediator):
    return services.open_from_petition(petition, by=by, data=case_data([mediator], village=mediator.staff.village),
                                       respondents=[respondent()])


@pytest.mark.parametrize("role, allowed", [("coordinator", True), ("leader", True), ("handler", True),
                                           ("clerk", False), ("mediator", False)])
def test_who_opens_mediation_from_a_petition(users, role, allowed):
    petition = petition_in_state(users, "in_progress")
    if allowed:
        case = from_petition(petition, users[role], users["mediator"])
        assert case.petition == petition and case.source == "petition"
        assert [l.role for l in case.party_links.all()] == ["applicant", "respondent"]
    else:
        with pytest.raises(PermissionDenied):
            from_petition(petition, users[role], users["mediator"])


def test_a_closed_petition_opens_no_mediation(users):
    petition = petition_in_state(users, "archived")
    with pytest.raises(PermissionDenied):
        from_petition(petition, users["coordinator"], users["mediator"])


def test_the_outcome_is_noted_on_the_petition_by_the_mediator(users):
    import datetime

    from tests.builders import ID_NUMBERS

    from .builders import agreement_data

    petition = petition_in_state(users, "in_progress")
    mediator = users["mediator"]
    case = from_petition(petition, users["handler"], mediator)
    applicant, other = [link.person for link in case.party_links.all()]
    workflow.start_mediation(case, by=mediator, parties_accept=True)
    # The petition's records lack some of what an agreement states: the mediator completes the snapshots.
    workflow.save_agreement(case, by=mediator, data=agreement_data(), parties={
        applicant.pk: {"address": "青溪村5组8号"},
        other.pk: {"id_number": ID_NUMBERS[1], "sex": "M", "birth_date": datetime.date(1949, 12, 31),
                   "address": "青溪村5组9号"},
    })
    workflow.finalise_agreement(case, by=mediator)
    case.refresh_from_db()
    advance(case, mediator, S.PERFORMING)
    note = petition.events.get(action=CaseEvent.Action.MEDIATION_OUTCOME)
    assert note.actor == mediator and case.number in note.note and case.agreement.number in note.note
    petition.refresh_from_db()
    assert petition.status == "in_progress"


def test_a_termination_is_noted_on_the_petition(users):
    petition = petition_in_state(users, "in_progress")
    case = from_petition(petition, users["coordinator"], users["mediator"])
    advance(case, users["mediator"], S.TERMINATED)
    note = petition.events.get(action=CaseEvent.Action.MEDIATION_OUTCOME)
    assert "终止" in note.note or "terminated" in note.note


def test_no_note_once_the_petition_has_closed(users):
    petition = petition_in_state(users, "in_progress")
    case = from_petition(petition, users["coordinator"], users["mediator"])
    from tests.builders import advance as advance_petition

    advance_petition(petition, users, "archived")
    advance(case, users["mediator"], S.TERMINATED)
    assert not petition.events.filter(action=CaseEvent.Action.MEDIATION_OUTCOME).exists()


def test_the_petition_page_offers_mediation_and_links_the_case(client, users):
    petition = petition_in_state(users, "in_progress")
    client.force_login(users["handler"])
    body = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert reverse("disputes:mediation_from_petition", args=[petition.pk]) in body
    case = from_petition(petition, users["handler"], users["mediator"])
    body = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert reverse("disputes:mediation_detail", args=[case.pk]) in body
    client.force_login(users["clerk"])
    body = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert reverse("disputes:mediation_from_petition", args=[petition.pk]) not in body


def test_open_from_the_petition_page(client, users):
    petition = petition_in_state(users, "in_progress")
    client.force_login(users["coordinator"])
    path = reverse("disputes:mediation_from_petition", args=[petition.pk])
    form = client.get(path).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"mediators": [users["mediator"].pk], "ladder_level": "", "dispute_type": dispute_type().pk,
                 "committee": str(users["mediator"].staff.village_id),
                 "respondents-TOTAL_FORMS": "1", "respondents-INITIAL_FORMS": "0", "respondents-MIN_NUM_FORMS": "0",
                 "respondents-MAX_NUM_FORMS": "6", "respondents-0-role": "respondent", "respondents-0-name": "李四"})
    response = client.post(path, data)
    case = MediationCase.objects.get()
    assert response["Location"] == reverse("disputes:mediation_detail", args=[case.pk])
    assert case.petition == petition and case.title == petition.title


def test_the_petition_is_a_link_only_for_those_who_may_open_it(client, users):
    """A mediator (no access to petitions) sees the petition's number as text, not a link that answers 404."""
    petition = petition_in_state(users, "in_progress")
    case = from_petition(petition, users["coordinator"], users["mediator"])
    url = reverse("disputes:mediation_detail", args=[case.pk])
    petition_url = reverse("petitions:detail", args=[petition.pk])
    client.force_login(users["mediator"])
    page = client.get(url).content.decode()
    assert petition.number in page and petition_url not in page
    assert client.get(petition_url).status_code in (403, 404)
    client.force_login(users["coordinator"])
    assert petition_url in client.get(url).content.decode()
