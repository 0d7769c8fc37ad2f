"""Every workflow moves through the one case kit (office.casekit): the same lock, checks, save and
one timeline event, whichever area the case belongs to (docs/architecture.md §2)."""
import pytest

from disputes.mediation import workflow as mediation
from disputes.screening import workflow as screening
from office.casekit import Flow
from petitions import workflow as petitions
from tests.builders import petition_in_state
from tests.disputes.builders import found_entry
from tests.disputes.mediation.builders import S as MS
from tests.disputes.mediation.builders import case_in

FLOWS = [petitions.FLOW, screening.FLOW, mediation.FLOW]


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.model.__name__)
def test_each_action_of_the_table_has_one_right(flow):
    assert set(flow.rights) == set(flow.transitions)
    assert all(callable(right) for right in flow.rights.values())


@pytest.fixture
def recorded(monkeypatch):
    """Spy on the kit's one way of writing a timeline event."""
    calls = []
    original = Flow.record

    def spy(self, case, by, action, **kwargs):
        calls.append((self.model.__name__, action))
        return original(self, case, by, action, **kwargs)

    monkeypatch.setattr(Flow, "record", spy)
    return calls


@pytest.mark.django_db
def test_a_move_in_each_area_writes_exactly_one_event_through_the_kit(recorded, users, mediator, coordinator):
    petition = petition_in_state(users, "assigned")
    entry = found_entry(mediator)
    case = case_in(mediator, MS.REGISTERED)
    recorded.clear()

    version = petition.version
    petition = petitions.sign_for_petition(petition, by=users["handler"], expected_version=version)
    assert recorded == [("Petition", "sign_for")] and petition.version == version + 1

    recorded.clear()
    entry = screening.resolve_entry(entry, by=mediator, note="双方和解", how="settled")
    assert recorded == [("LedgerEntry", "resolved")] and entry.version == 1

    recorded.clear()
    version = case.version
    case = mediation.start_mediation(case, by=mediator, parties_accept=True, expected_version=version)
    assert recorded == [("MediationCase", "start")] and case.version == version + 1


@pytest.mark.django_db
def test_a_ledger_entry_acted_on_from_a_stale_page_is_refused(mediator):
    from office.workflow import StaleStateError

    entry = found_entry(mediator)
    screening.FLOW.lock(entry, "resolve", mediator, entry.version)  # the current version passes
    with pytest.raises(StaleStateError):
        screening.FLOW.lock(entry, "resolve", mediator, entry.version + 1)


@pytest.mark.django_db
def test_the_ledger_page_refuses_a_move_made_from_a_stale_page(client, mediator):
    from django.urls import reverse

    from disputes.models import LedgerEntry

    entry = found_entry(mediator)
    client.force_login(mediator)
    page = client.get(reverse("disputes:entry_resolve", args=[entry.pk]))
    assert f'name="version" value="{entry.version}"' in page.content.decode()
    screening.mark_entry_unresolved(entry, by=mediator, note="另一人先处理了")  # someone else moves it first
    response = client.post(reverse("disputes:entry_resolve", args=[entry.pk]),
                           {"note": "双方和解", "how": "settled", "version": entry.version}, follow=True)
    assert "该案件已被他人更新" in response.content.decode()
    assert LedgerEntry.objects.get(pk=entry.pk).status == LedgerEntry.Status.UNRESOLVED


@pytest.mark.parametrize("module", [petitions, screening, mediation], ids=lambda m: m.__name__)
def test_no_workflow_locks_checks_or_writes_events_beside_the_kit(module):
    """Every move of each table goes through its FLOW: no workflow module checks a transition or a
    version itself, or writes its event table directly (the behaviour is pinned above and by each
    area's table walk, which asserts one event per move)."""
    import inspect

    source = inspect.getsource(module)
    event_model = module.FLOW.event_model.__name__
    assert "check_transition" not in source and "check_version" not in source
    assert f"{event_model}.objects" not in source and f"{module.FLOW.model.__name__}.objects.select_for_update" not in source
    table_functions = {name for name in module.TRANSITIONS}
    assert table_functions == set(module.FLOW.rights)
