"""Who sees what: a village mediator their village, township roles the township, nobody another township."""
import datetime

import pytest

from disputes.screening.selectors import visible_entries, visible_rounds
from office.models import Unit
from office.roles import COORDINATOR, MEDIATOR
from tests.builders import make_user

from ..builders import file_round, found_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(mediator, coordinator, township, other_village, other_township):
    """One entry and round for each village, one for the township center, one in another township."""
    mediator2 = make_user(MEDIATOR, township, village=other_village, username="mediator2")
    foreign_village = other_township.villages.get()
    Unit.objects.create(township=other_township, name="白石综治中心", kind=Unit.Kind.CENTER)
    foreign = make_user(MEDIATOR, other_township, village=foreign_village, username="foreign")
    return {
        "mine": found_entry(mediator),
        "other_village": found_entry(mediator2),
        "township": found_entry(coordinator),
        "foreign": found_entry(foreign),
        "mediator2": mediator2,
        "foreign_coordinator": make_user(COORDINATOR, other_township, username="foreign_coordinator"),
    }


def test_a_village_mediator_sees_only_their_village(mediator, data):
    assert set(visible_entries(mediator)) == {data["mine"]}
    assert set(visible_rounds(mediator)) == {data["mine"].first_round}


@pytest.mark.parametrize("role", ["coordinator", "leader", "handler"])
def test_township_roles_see_the_whole_township(request, role, data):
    user = request.getfixturevalue(role)
    assert set(visible_entries(user)) == {data["mine"], data["other_village"], data["township"]}
    assert visible_rounds(user).count() == 3


def test_another_townships_coordinator_sees_only_theirs(data):
    assert set(visible_entries(data["foreign_coordinator"])) == {data["foreign"]}


@pytest.mark.parametrize("role", ["clerk", "admin_user"])
def test_roles_outside_the_section_see_nothing(request, role, data):
    assert not visible_entries(request.getfixturevalue(role)).exists()


def test_a_mediator_without_a_village_sees_township_level_rounds(township, data):
    township_mediator = make_user(MEDIATOR, township, unit=township.units.get(kind="justice"))
    assert set(visible_entries(township_mediator)) == {data["township"]}


def test_pages_of_another_village_or_township_are_404(client, mediator, coordinator, data):
    client.force_login(mediator)
    for entry in (data["other_village"], data["township"], data["foreign"]):
        assert client.get(f"/disputes/entries/{entry.pk}/").status_code == 404
        assert client.get(f"/disputes/rounds/{entry.first_round_id}/").status_code == 404
        assert client.post(f"/disputes/entries/{entry.pk}/resolve/", {"note": "x"}).status_code == 404
    assert client.get(f"/disputes/entries/{data['mine'].pk}/").status_code == 200
    client.force_login(coordinator)
    assert client.get(f"/disputes/entries/{data['foreign'].pk}/").status_code == 404
    assert client.get(f"/disputes/entries/{data['other_village'].pk}/").status_code == 200


def test_the_ledger_lists_only_what_the_user_may_see(client, mediator, coordinator, data):
    client.force_login(mediator)
    page = client.get("/disputes/").context["page"]
    assert list(page.object_list) == [data["mine"]]
    client.force_login(coordinator)
    assert set(client.get("/disputes/").context["page"].object_list) == {
        data["mine"],
        data["other_village"],
        data["township"],
    }


def test_the_round_list_too(client, mediator, data):
    file_round(mediator, zero=True, day=datetime.date(2026, 11, 16))
    client.force_login(mediator)
    rounds = list(client.get("/disputes/rounds/").context["page"].object_list)
    assert all(r.village == mediator.staff.village for r in rounds) and len(rounds) == 2
