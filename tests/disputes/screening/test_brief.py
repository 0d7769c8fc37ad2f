"""The monthly analysis brief (研判例会) on a known data set, as figures, as a page and as a PDF."""
import datetime
import io

import pytest
from pypdf import PdfReader

from disputes.models import LedgerEntry
from disputes.screening import workflow
from disputes.screening.selectors import monthly_brief
from office.roles import MEDIATOR
from tests.builders import make_user

from ..builders import at, dispute_type, entry_data, file_round, risk

pytestmark = pytest.mark.django_db
D = datetime.date
Status = LedgerEntry.Status


@pytest.fixture
def november(township, other_village, mediator, coordinator, police, frozen_now):
    """Disputes found in October and November 2026 in 青溪村, 柳塘村 and the township center."""
    liutang = make_user(MEDIATOR, township, village=other_village, username="liutang")

    def on(month, day):
        frozen_now.move_to(at(2026, month, day))

    def found(user, **fields):
        return file_round(user, entries=[entry_data(**fields)]).found_entries.get()

    on(10, 20)
    october_red = found(mediator, dispute_type=dispute_type("婚姻纠纷"), risk_level=risk("red"), deadline=D(2026, 11, 19))
    october_done = found(liutang)
    on(11, 5)
    file_round(mediator, day=D(2026, 10, 26), zero=True)  # week 44, due 2 November: late
    workflow.resolve_entry(october_done, by=liutang, note="已和解", how="settled")
    on(11, 4)
    e1 = found(mediator, head_count=2)
    on(11, 10)
    workflow.resolve_entry(e1, by=mediator, note="已和解", how="settled")
    on(11, 11)
    e2 = found(mediator, dispute_type=dispute_type("赡养纠纷"), risk_level=risk("yellow"), deadline=D(2026, 11, 20), head_count=4)
    on(11, 12)
    e5 = found(coordinator, dispute_type=dispute_type("拖欠工资纠纷"), risk_level=risk("red"), head_count=12)
    workflow.resolve_entry(e5, by=coordinator, note="工资已结清", how="settled")
    on(11, 18)
    liutang_round = file_round(
        liutang,
        entries=[
            entry_data(dispute_type=dispute_type("征地补偿纠纷"), risk_level=risk("red"), may_become_group=True, head_count=15),
            entry_data(dispute_type=dispute_type("人身损害赔偿纠纷"), risk_level=risk("red"), may_turn_criminal=True),
        ],
    )
    e3, e4 = liutang_round.found_entries.order_by("pk")
    workflow.transfer_entry_to_police(e4, by=coordinator, unit=police, note="涉嫌故意伤害")
    on(11, 25)
    e6 = found(mediator)
    workflow.mark_entry_unresolved(e6, by=mediator, note="一方拒绝调解")
    return {"october_red": october_red, "e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5, "e6": e6}


def test_the_briefs_figures(township, november):
    brief = monthly_brief(township, 2026, 11, D(2026, 11, 25))
    assert brief["totals"] == {"total": 6, "resolved": 2, "open": 3, "transferred": 1, "people": 2 + 4 + 12 + 15 + 2 + 2}
    assert brief["resolved_in_month"] == 3  # e1, e5 and the October dispute resolved on 5 November
    assert [(r["category"], r["total"], r["resolved"], r["open"], r["transferred"]) for r in brief["by_type"]] == [
        ("婚姻家庭纠纷", 1, 0, 1, 0),
        ("房屋宅基地纠纷", 2, 1, 1, 0),
        ("损害赔偿纠纷", 1, 0, 0, 1),
        ("征地拆迁纠纷", 1, 0, 1, 0),
        ("劳动争议纠纷", 1, 1, 0, 0),
    ]
    assert [(level.code, row["total"], row["resolved"], row["open"], row["transferred"]) for level, row in brief["by_risk"]] == [
        ("green", 2, 1, 1, 0),
        ("yellow", 1, 0, 1, 0),
        ("red", 3, 1, 1, 1),
    ]
    assert [(status.value, count) for status, count in brief["by_status"]] == [
        ("in_progress", 2),
        ("resolved", 2),
        ("unresolved", 1),
        ("transferred", 1),
    ]
    assert brief["major_open"] == [november["october_red"], november["e3"], november["e4"]]
    assert brief["overdue"] == [november["october_red"], november["e2"]]


def test_the_briefs_filing_figures(township, november):
    brief = monthly_brief(township, 2026, 11, D(2026, 11, 25))
    # Weeks ending in November: 1, 8, 15, 22, 29 Nov for two villages; fortnights ending 1, 15, 29 Nov.
    assert brief["filing"] == {"expected": 13, "on_time": 5, "late": 1, "missing": 5, "pending": 2, "zero": 1}
    missing = {row.name: [c.period.starts_on for c in row.missing] for row in brief["missing_units"]}
    assert missing == {
        "青溪村": [D(2026, 11, 16)],
        "柳塘村": [D(2026, 10, 26), D(2026, 11, 2), D(2026, 11, 9)],
        "镇综治中心": [D(2026, 10, 19)],
    }


def test_a_month_without_disputes(township, november):
    brief = monthly_brief(township, 2026, 9, D(2026, 11, 25))
    assert brief["totals"]["total"] == 0 and brief["by_type"] == []
    assert all(row["total"] == 0 for _level, row in brief["by_risk"])
    assert brief["major_open"] == []  # nothing found by the end of September


def test_the_brief_page(client, coordinator, november):
    client.force_login(coordinator)
    response = client.get("/disputes/brief/?month=2026-11")
    html = response.content.decode()
    assert response.status_code == 200
    assert "青溪镇2026年11月矛盾纠纷研判材料" in html
    assert 'data-figure="found">6<' in html and 'data-figure="rounds-missing">5<' in html
    assert november["e3"].title in html
    # A month in the future or nonsense falls back to this month.
    assert client.get("/disputes/brief/?month=2027-01").context["brief"]["first"] == D(2026, 11, 1)
    assert client.get("/disputes/brief/?month=xx").context["brief"]["first"] == D(2026, 11, 1)


def test_the_brief_pdf(client, leader, november):
    client.force_login(leader)
    response = client.get("/disputes/brief/pdf/?month=2026-11")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = text.replace(" ", "").replace("\n", "")
    for expected in ["矛盾纠纷研判材料", "青溪镇", "2026年11月", "未化解的重大风险纠纷", "超期未化解纠纷", "未按期报送的单位", "柳塘村", november["e3"].title]:
        assert expected in compact, expected
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in font or "Han" in font or "Sim" in font for font in fonts), fonts


def test_the_brief_is_for_coordinators_and_leaders(client, mediator, handler):
    for user in (mediator, handler):
        client.force_login(user)
        assert client.get("/disputes/brief/").status_code == 403
        assert client.get("/disputes/brief/pdf/").status_code == 403
