"""The compliance board on a known data set: filed, filed late, missing, zero report, names to chase."""
import datetime

import pytest

from disputes.screening.selectors import LATE, MISSING, ON_TIME, PENDING, Scope, compliance_board
from office.models import Village
from office.roles import MEDIATOR
from tests.builders import make_user

from ..builders import at, file_round, found_entry

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def known(township, village, other_village, mediator, coordinator, frozen_now):
    """Four villages and the township center over weeks 46–48 of 2026 (today: Wednesday of week 48)."""
    shiqiao = Village.objects.create(township=township, name="石桥村", sort_order=3)
    xinghua = Village.objects.create(township=township, name="杏花村", sort_order=4)
    liutang = make_user(MEDIATOR, township, village=other_village, username="liutang", first_name="德福", last_name="孙")
    liutang.staff.phone = "13900000002"
    liutang.staff.save()
    xh = make_user(MEDIATOR, township, village=xinghua, username="xinghua")
    week46, week47 = D(2026, 11, 9), D(2026, 11, 16)

    def on(day, hour=10):
        frozen_now.move_to(at(day.year, day.month, day.day, hour))

    on(D(2026, 11, 13))
    file_round(mediator, day=week46)  # on time, with one dispute
    on(D(2026, 11, 18))
    file_round(liutang, day=week46, zero=True)  # due Monday the 16th: late
    on(D(2026, 11, 20))
    file_round(mediator, day=week47, zero=True)  # on time, zero
    on(D(2026, 11, 23), hour=17)
    file_round(xh, day=week47)  # on its due day: on time
    on(D(2026, 11, 14))
    file_round(coordinator, day=D(2026, 11, 2), zero=True)  # fortnight 11-02..15, on time
    on(D(2026, 11, 25))
    file_round(mediator, zero=True)  # this week
    file_round(xh, day=week46, zero=True)  # two weeks late
    file_round(xh, zero=True)
    return {"shiqiao": shiqiao, "liutang": liutang, "xinghua": xinghua}


def states(row):
    return [(cell.state, bool(cell.round and cell.round.zero_report)) for cell in row.cells]


def test_the_village_grid(township, known):
    board = compliance_board(township, D(2026, 11, 25), count=3)
    grid = board[Scope.VILLAGE]
    assert [p.starts_on for p in grid["periods"]] == [D(2026, 11, 23), D(2026, 11, 16), D(2026, 11, 9)]
    rows = {row.name: row for row in grid["rows"]}
    assert list(rows) == ["青溪村", "柳塘村", "石桥村", "杏花村"]
    assert states(rows["青溪村"]) == [(ON_TIME, True), (ON_TIME, True), (ON_TIME, False)]
    assert states(rows["柳塘村"]) == [(PENDING, False), (MISSING, False), (LATE, True)]
    assert states(rows["石桥村"]) == [(PENDING, False), (MISSING, False), (MISSING, False)]
    assert states(rows["杏花村"]) == [(ON_TIME, True), (ON_TIME, False), (LATE, True)]
    assert rows["柳塘村"].cells[1].due_on == D(2026, 11, 23)


def test_the_names_to_chase(township, known):
    rows = {row.name: row for row in compliance_board(township, D(2026, 11, 25), count=3)[Scope.VILLAGE]["rows"]}
    assert [s.user.username for s in rows["柳塘村"].chase] == ["liutang"]
    assert [c.period.starts_on for c in rows["柳塘村"].missing] == [D(2026, 11, 16)]
    assert rows["石桥村"].chase == []  # no mediator yet: the page says to ask the administrator
    assert rows["青溪村"].not_filed == []


def test_the_township_grid_is_fortnightly(township, known, coordinator):
    grid = compliance_board(township, D(2026, 11, 25), count=3)[Scope.TOWNSHIP]
    assert [p.starts_on for p in grid["periods"]] == [D(2026, 11, 16), D(2026, 11, 2), D(2026, 10, 19)]
    (row,) = grid["rows"]
    assert states(row) == [(PENDING, False), (ON_TIME, True), (MISSING, False)]
    assert [s.user for s in row.chase] == [coordinator]


def test_the_board_page(client, coordinator, known):
    client.force_login(coordinator)
    response = client.get("/disputes/compliance/?n=3")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-state="missing"') == 4  # 柳塘 47, 石桥 46 and 47, township 10-19
    assert "孙德福" in html  # family name first
    assert 'href="tel:13900000002"' in html
    to_chase = [row.name for row in response.context["to_chase"]]
    assert to_chase == ["柳塘村", "石桥村", "镇综治中心"]


def test_the_mediator_may_not_open_the_board(client, mediator):
    client.force_login(mediator)
    assert client.get("/disputes/compliance/").status_code == 403


def test_an_entry_does_not_make_a_round_missing(township, mediator):
    found_entry(mediator)
    rows = compliance_board(township, D(2026, 11, 25), count=1)[Scope.VILLAGE]["rows"]
    assert [c.state for c in rows[0].cells] == [ON_TIME]
