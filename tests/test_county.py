"""A county on one deployment (issue 15, docs/domain.md §10): the county's staff, their scope, the
inherited setup, the administration of a county and the roll-up that adds up to its townships."""
import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from office.models import County, Targets, TimeLimits
from office.roles import (
    ADMIN,
    CLERK,
    COORDINATOR,
    COUNTY_ADMIN,
    COUNTY_PERSONAL_DATA,
    COUNTY_SUPERVISOR,
    ROLE_GROUPS,
    county_scope,
)
from petitions import permissions
from petitions.selectors import visible_petitions
from reports import county as county_rollup
from reports import figures
from reports.figures import Period
from tests.builders import make_county_user, make_township, make_user, register_petition, two_counties

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    qinghe, other, a1, a2, b1 = two_counties()
    users = {
        "clerk_a1": make_user(CLERK, a1), "coord_a1": make_user(COORDINATOR, a1),
        "clerk_a2": make_user(CLERK, a2), "coord_a2": make_user(COORDINATOR, a2),
        "clerk_b1": make_user(CLERK, b1),
        "admin_a1": make_user(ADMIN, a1, is_staff=True),
        "county": make_county_user(COUNTY_SUPERVISOR, qinghe, username="county"),
        "countyadmin": make_county_user(COUNTY_ADMIN, qinghe, username="countyadmin", is_staff=True),
        "county_b": make_county_user(COUNTY_SUPERVISOR, other, username="county_b"),
    }
    cases = {
        "a1": register_petition(users["clerk_a1"]),
        "a1_secret": register_petition(users["clerk_a1"], purpose="report", confidential=True, title="检举某某"),
        "a2": register_petition(users["clerk_a2"], received_on=timezone.localdate() - datetime.timedelta(days=20)),
        "b1": register_petition(users["clerk_b1"]),
    }
    return {"counties": (qinghe, other), "townships": (a1, a2, b1), "users": users, "cases": cases}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_county_supervisor_reads_every_township_of_the_county_and_no_report(world):
    u, c = world["users"], world["cases"]
    assert set(visible_petitions(u["county"])) == {c["a1"], c["a2"]}  # not the 检举控告, not another county
    assert set(visible_petitions(u["county_b"])) == {c["b1"]}
    assert not visible_petitions(u["countyadmin"]).exists()  # the county's administrator sets up, reads no case
    client = client_for(u["county"])
    assert client.get(reverse("petitions:detail", args=[c["a1"].pk])).status_code == 200
    for other in (c["a1_secret"], c["b1"]):
        assert client.get(reverse("petitions:detail", args=[other.pk])).status_code == 404
    # Read-only: no step of the workflow, no registration, no township section.
    assert client.get(reverse("petitions:propose_decision", args=[c["a1"].pk])).status_code == 403
    assert client.get(reverse("petitions:register")).status_code == 403
    assert client.get(reverse("petitions:index")).status_code == 403


def test_personal_data_is_masked_for_the_county_unless_granted(world):
    u, c = world["users"], world["cases"]
    county = u["county"]
    assert not permissions.can_view_personal_data(county, c["a1"])
    assert "13812345678" not in client_for(county).get(reverse("petitions:detail", args=[c["a1"].pk])).content.decode()
    county.groups.add(Group.objects.get(name=ROLE_GROUPS[COUNTY_PERSONAL_DATA]))
    county = type(county).objects.get(pk=county.pk)
    assert permissions.can_view_personal_data(county, c["a1"])
    assert not permissions.can_view_personal_data(county, c["b1"])


def test_county_roles_count_only_with_a_county_post(world):
    """A township login given a county role by mistake gets no county scope (office/roles.py county_scope)."""
    u = world["users"]
    clerk = u["clerk_a1"]
    clerk.groups.add(Group.objects.get(name=ROLE_GROUPS[COUNTY_SUPERVISOR]))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert county_scope(clerk) is None
    assert county_scope(u["county"]) == world["counties"][0].pk
    assert county_scope(u["county"], COUNTY_ADMIN) is None


def test_time_limits_and_targets_are_the_countys_unless_a_township_has_its_own(world):
    qinghe = world["counties"][0]
    a1, a2, _b1 = world["townships"]
    # The builder gave each township its own limits (a township overriding): remove a2's to inherit.
    TimeLimits.objects.filter(township=a2).delete()
    county_limits = TimeLimits.objects.create(county=qinghe, decision_days=10)
    a2 = type(a2).objects.get(pk=a2.pk)
    assert TimeLimits.for_township(a2) == county_limits
    assert TimeLimits.for_township(a1).decision_days == 15  # its own row overrides the county's
    Targets.objects.create(county=qinghe, satisfaction=90)
    assert Targets.for_township(a2).satisfaction == 90
    assert Targets.for_township(type(a1).objects.get(pk=a1.pk)).satisfaction == 90
    a1 = type(a1).objects.get(pk=a1.pk)
    Targets.objects.create(township=a1, satisfaction=99)
    assert Targets.for_township(a1).satisfaction == 99


def test_a_county_registration_uses_the_inherited_limit(world):
    qinghe = world["counties"][0]
    a2 = world["townships"][1]
    TimeLimits.objects.filter(township=a2).delete()
    TimeLimits.objects.create(county=qinghe, decision_days=10)
    clerk = type(world["users"]["clerk_a2"]).objects.get(pk=world["users"]["clerk_a2"].pk)  # no cached limits
    petition = register_petition(clerk)
    assert (petition.decision_due_on - petition.received_on).days >= 10
    assert (petition.decision_due_on - petition.received_on).days < 15


def test_the_county_administrator_manages_the_countys_townships_only(world):
    u = world["users"]
    a1, a2, b1 = world["townships"]
    client = client_for(u["countyadmin"])
    listing = client.get(reverse("admin:office_township_changelist")).content.decode()
    assert a1.name in listing and a2.name in listing and b1.name not in listing
    assert client.get(reverse("admin:office_township_change", args=[a2.pk])).status_code == 200
    assert client.get(reverse("admin:office_township_change", args=[b1.pk])).status_code == 302  # not found: back
    staff = client.get(reverse("admin:office_staff_changelist")).content.decode()
    assert u["clerk_a2"].username in staff and u["clerk_b1"].username not in staff
    # The shared lists: both add to their own (the county's, the township's; tests/office/test_shared_lists.py).
    assert client.get(reverse("admin:petitions_contentcategory_add")).status_code == 200
    township_admin = client_for(u["admin_a1"])
    own = township_admin.get(reverse("admin:office_township_changelist")).content.decode()
    assert a1.name in own and a2.name not in own
    assert township_admin.get(reverse("admin:office_staff_changelist")).content.decode().count(
        u["clerk_a2"].username) == 0
    # A township the county's administrator adds is the county's; a township's administrator adds none.
    data = {"name": "新村乡", "short_name": "新村", "code": "xincun", "county": "", "address": "", "phone": "",
            "go_live_on": "", "petition_organ": "", "review_organ": ""}
    for prefix in ("villages", "units", "document_series"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
                     f"{prefix}-MAX_NUM_FORMS": "1000"})
    assert client.post(reverse("admin:office_township_add"), data).status_code == 302
    assert type(a1).objects.get(code="xincun").county == world["counties"][0]
    assert township_admin.get(reverse("admin:office_township_add")).status_code == 403


def test_the_rollup_adds_up_to_the_townships_own_figures(world):
    u, c = world["users"], world["cases"]
    today = timezone.localdate()
    period = Period(today.replace(day=1) - datetime.timedelta(days=40), today)
    rows, totals = county_rollup.rollup(u["county"], period, today)
    assert {row.township for row in rows} == set(world["townships"][:2])
    assert totals["open"] == 2 == sum(row.counts["open"] for row in rows)
    # Each township's figures equal its coordinator's (who, like the county, sees no report).
    coordinators = {world["townships"][0]: u["coord_a1"], world["townships"][1]: u["coord_a2"]}
    for row in rows:
        coordinator = coordinators[row.township]
        own = {f.key: (f.numerator, f.denominator)
               for f in figures.petition_figures(visible_petitions(coordinator), period, today)}
        for figure in row.figures:
            if figure.key in own:
                assert (figure.numerator, figure.denominator) == own[figure.key]
    page = client_for(u["county"]).get(reverse("county:home"))
    assert page.status_code == 200
    body = page.content.decode()
    assert world["townships"][0].name in body and world["townships"][2].name not in body
    # Every number opens its cases; a township of another county is a 404; a township user is refused.
    a1, _a2, b1 = world["townships"]
    client = client_for(u["county"])
    listed = client.get(reverse("county:township_cases", args=[a1.pk, "open"])).content.decode()
    assert c["a1"].number in listed and c["a1_secret"].number not in listed
    assert client.get(reverse("county:township_cases", args=[b1.pk, "open"])).status_code == 404
    assert client.get(reverse("county:township_cases", args=[a1.pk, "timely_decision"]) + "?part=denominator"
                      ).status_code == 200
    assert client.get(reverse("county:township_cases", args=[a1.pk, "nonsense"])).status_code == 404
    assert client_for(u["coord_a1"]).get(reverse("county:home")).status_code == 403
    assert client_for(u["countyadmin"]).get(reverse("county:home")).status_code == 403
    assert client_for(u["county"]).get(reverse("home")).status_code == 302


def _workbook(response):
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content), read_only=True)


def _values(sheet):
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_county_monthly_and_year_review_have_a_summary_and_a_sheet_per_township(world):
    u = world["users"]
    a1, a2, _b1 = world["townships"]
    client = client_for(u["county"])
    today = timezone.localdate()
    first = (today - datetime.timedelta(days=25)).replace(day=1)
    monthly = _workbook(client.get(reverse("county:export_monthly") + f"?start={first}&end={today}"))
    assert monthly.sheetnames == ["全县汇总", *sorted([a1.name, a2.name], key=lambda n: [t.name for t in (
        county_rollup.county_townships(u["county"]))].index(n))]
    summary = _values(monthly["全县汇总"])
    received = {row[0]: row[1] for row in summary if row and row[0] in (a1.name, a2.name)}
    assert received == {a1.name: 1, a2.name: 1}  # the report (检举控告) is not the county's to count
    for township in (a1, a2):  # each township's sheet adds up to its line on the summary
        totals = [row for row in _values(monthly[township.name]) if row and row[0] and str(row[0]).startswith("合计")]
        assert totals and totals[0][1] == received[township.name]
    review = _workbook(client.get(reverse("county:export_year_review") + f"?year={today.year}"))
    assert review.sheetnames[0] == "全县汇总" and set(review.sheetnames[1:]) == {a1.name, a2.name}
    # The other county's supervisor gets their own townships only; a township's coordinator is refused.
    other = _workbook(client_for(u["county_b"]).get(reverse("county:export_monthly")))
    assert other.sheetnames == ["全县汇总", world["townships"][2].name]
    assert client_for(u["coord_a1"]).get(reverse("county:export_monthly")).status_code == 403


def test_the_county_assigns_down_and_the_townships_report_closes_its_tracking(users, township):
    """交办: the county clerk's case arrives in the township's 待受理决定 as 上级交办 with organ, number and
    deadline; the township works it; its 上报办理结果 closes the county's tracking (issue 15 §3)."""
    from office.models import Notification
    from office.roles import COUNTY_CLERK, HANDLER, LEADER
    from petitions import workflow
    from petitions.selectors import queue_conditions
    from petitions.services import assign_down
    from tests.builders import advance, petition_data

    qinghe = County.objects.create(name="清河县", short_name="清河", code="qinghe")
    township.county = qinghe
    township.save()
    other = make_township(name="白石乡", short_name="白石", villages=("白石村",))
    other.county = County.objects.create(name="白水县", short_name="白水", code="baishui")
    other.save()
    clerk = make_county_user(COUNTY_CLERK, qinghe, username="countyclerk")
    supervisor = make_county_user(COUNTY_SUPERVISOR, qinghe, username="county")
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=20)
    data = petition_data(source="assigned", source_organ="清河县信访局", source_reference="GJXF-2026-000123",
                         source_deadline=deadline, received_on=today)
    # Refused: a township of another county, and 交办 without a deadline.
    with pytest.raises(Exception) as refused:
        assign_down(by=clerk, township=other, data=data, petitioners=[{"name": "李四", "phone": ""}])
    assert "另一个县" in str(refused.value) or "本县" in str(refused.value)
    with pytest.raises(Exception):
        assign_down(by=clerk, township=township, data={**data, "source_deadline": None},
                    petitioners=[{"name": "李四", "phone": ""}])
    with pytest.raises(Exception):  # a township's clerk does not assign down
        assign_down(by=users[CLERK], township=township, data=data, petitioners=[{"name": "李四", "phone": ""}])
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        petition = assign_down(by=clerk, township=township, data=data, petitioners=[{"name": "李四", "phone": ""}])
    assert petition.township == township and petition.source == "assigned"
    assert (petition.source_organ, petition.source_reference, petition.source_deadline) == (
        "清河县信访局", "GJXF-2026-000123", deadline)
    soon = TimeLimits.for_township(township).due_soon_days
    assert visible_petitions(users[CLERK]).filter(queue_conditions(users[CLERK], today, soon)["to-decide"],
                                                  pk=petition.pk).exists()
    assert Notification.objects.filter(user=users[CLERK], text__contains=petition.number).exists()
    page = client_for(users[CLERK]).get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "清河县信访局" in page and "GJXF-2026-000123" in page
    # The county tracks it until the township reports the result back.
    counts = county_rollup.count_cases(supervisor, township, "assigned", today)
    assert list(counts) == [petition]
    with_users = {**users, HANDLER: users[HANDLER], LEADER: users[LEADER]}
    advance(petition, with_users, "replied")
    petition.refresh_from_db()
    workflow.report_back(petition, by=users[CLERK], reported_on=today, method="document", summary="已答复，信访人满意。")
    assert not county_rollup.count_cases(supervisor, township, "assigned", today).exists()
    county_page = client_for(supervisor).get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "已答复，信访人满意。" in county_page
    # Past the county's deadline without a report: counted as overdue for that township.
    late = assign_down(by=clerk, township=township, data={**data, "source_reference": "GJXF-2026-000124",
                                                          "received_on": today - datetime.timedelta(days=30),
                                                          "source_deadline": today - datetime.timedelta(days=1)},
                       petitioners=[{"name": "王五", "phone": ""}])
    assert list(county_rollup.count_cases(supervisor, township, "assigned-overdue", today)) == [late]
    # The form: the clerk sends one; a township outside the county is not among the choices.
    client = client_for(clerk)
    form = client.get(reverse("county:assign"))
    assert form.status_code == 200 and other.name not in form.content.decode()
    response = client.post(reverse("county:assign"), {
        "township": other.pk, "source": "forwarded", "source_organ": "清河县信访局", "received_on": today.isoformat(),
        "channel": "letter", "title": "道路维修", "request": "请求维修", "name": "赵六"})
    assert response.status_code == 400
    response = client.post(reverse("county:assign"), {
        "township": township.pk, "source": "forwarded", "source_organ": "清河县信访局", "received_on": today.isoformat(),
        "channel": "letter", "title": "道路维修", "request": "请求维修", "name": "赵六"})
    assert response.status_code == 302
    assert client_for(supervisor).get(reverse("county:assign")).status_code == 403  # reads, does not register


def _add_township(county, index, county_clerk):
    """A township of the county with a little of everything the roll-up counts: a case received today, one
    overdue, a major one not reported, one assigned down by the county, and a village round with a dispute."""
    from disputes.screening import services as screening_services
    from office.roles import MEDIATOR
    from petitions.services import assign_down
    from tests.builders import petition_data
    from tests.disputes.builders import current_period, entry_data

    township = make_township(name=f"第{index}乡", short_name=f"第{index}", villages=(f"第{index}一村", f"第{index}二村"))
    township.county = county
    township.save()
    clerk = make_user(CLERK, township)
    today = timezone.localdate()
    register_petition(clerk)
    register_petition(clerk, received_on=today - datetime.timedelta(days=80))
    register_petition(clerk, is_major=True)
    assign_down(by=county_clerk, township=township, data=petition_data(
        source="assigned", source_organ="县信访局", source_reference=f"JB-{index}", received_on=today,
        source_deadline=today + datetime.timedelta(days=10)), petitioners=[{"name": "李四", "phone": ""}])
    village = township.villages.order_by("sort_order").first()
    mediator = make_user(MEDIATOR, township, village=village)
    screening_services.file_round(by=mediator, village=village, period=current_period(village), zero_report=False,
                                  entries=[entry_data()], updates=(), at=None)
    return township


def test_the_rollup_runs_the_same_queries_for_two_townships_and_for_five():
    """Issue 15: the county's page reads all its townships in a fixed number of queries (docs/architecture.md
    §15), measured with the clock frozen."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from office.roles import COUNTY_CLERK
    from tests.clock import moment

    with time_machine.travel(moment(timezone.localdate()), tick=False):
        qinghe = County.objects.create(name="清河县", short_name="清河", code="qinghe")
        county_clerk = make_county_user(COUNTY_CLERK, qinghe, username="countyclerk")
        supervisor = make_county_user(COUNTY_SUPERVISOR, qinghe, username="county")
        townships = [_add_township(qinghe, index, county_clerk) for index in range(2)]
        client = client_for(supervisor)
        assert client.get(reverse("county:home")).status_code == 200  # the county's targets are made on first use
        with CaptureQueriesContext(connection) as two:
            page = client.get(reverse("county:home"))
        assert page.status_code == 200
        townships += [_add_township(qinghe, index, county_clerk) for index in range(2, 5)]
        # One township with a "due soon" of its own: counted in the same query.
        TimeLimits.objects.filter(township=townships[4]).update(due_soon_days=7)
        with CaptureQueriesContext(connection) as five:
            page = client.get(reverse("county:home"))
        assert page.status_code == 200
        body = page.content.decode()
        assert all(township.name in body for township in townships)
        assert len(two.captured_queries) == len(five.captured_queries), [q["sql"] for q in five.captured_queries]
        rows, totals = county_rollup.rollup(supervisor, Period(timezone.localdate().replace(day=1),
                                                               timezone.localdate()), timezone.localdate())
        assert totals["assigned"] == 5 and totals["major"] == 5 and totals["overdue"] == 5
        assert totals["missing_rounds"] == 5  # each township's second village has not filed


def test_each_line_of_the_rollup_equals_the_townships_own_pages(world):
    """The grouped reading gives each township exactly its own figures (``township_figures``, the township's
    dashboard code), the cases its drill-downs list and the villages its compliance grid marks unfiled."""
    from disputes.models import ScreeningCadence
    from disputes.periods import recent_periods
    from disputes.screening.selectors import MISSING, PENDING, compliance_rows

    u = world["users"]
    a1, a2, _b1 = world["townships"]
    TimeLimits.objects.filter(township=a2).update(due_soon_days=30)  # a2's own "due soon": 30 days
    register_petition(u["clerk_a2"], received_on=timezone.localdate() - datetime.timedelta(days=50))
    register_petition(u["clerk_a1"], is_major=True)
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=70), today)
    rows, totals = county_rollup.rollup(u["county"], period, today)
    assert [row.township for row in rows] == sorted([a1, a2], key=lambda t: t.name)
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    current = recent_periods(cadence.kind, today, 1, cadence.anchor)
    for row in rows:
        township = row.township
        own = county_rollup.township_figures(u["county"], township, period, today)
        assert [(f.key, f.numerator, f.denominator, f.target) for f in row.figures] == [
            (f.key, f.numerator, f.denominator, f.target) for f in own]
        for key, value in row.counts.items():
            assert value == county_rollup.count_cases(u["county"], township, key, today).count(), (township, key)
        grid = compliance_rows(township, ScreeningCadence.Scope.VILLAGE, current, today, cadence)
        assert row.missing_rounds == sum(1 for r in grid if r.cells[0].state in (MISSING, PENDING))
    by_township = {row.township: row for row in rows}
    assert by_township[a1].counts["major"] == 1
    assert totals["open"] == 4

# --- the county reads the townships' disputes (mediation cases, the screening ledger) ------------------------

def _mediation_world(world):
    """A mediation case of 青溪镇 with an issued agreement and a return visit, a ledger entry, and a case
    opened (before the rule) from 青溪镇's 检举控告."""
    from disputes.mediation import services as mediation_services
    from disputes.models import MediationCase
    from office.models import EscalationLevel
    from office.roles import MEDIATOR
    from tests.disputes.builders import found_entry
    from tests.disputes.mediation.builders import case_data, case_in

    a1 = world["townships"][0]
    qingxi = a1.villages.get(name="青溪村")
    mediator = make_user(MEDIATOR, a1, village=qingxi, ladder_level=EscalationLevel.objects.get(rank=1))
    secret = world["cases"]["a1_secret"]
    return {
        "mediator": mediator,
        "case": case_in(mediator, MediationCase.Status.VISITED),
        "entry": found_entry(mediator),
        "secret_case": mediation_services._open(
            by=mediator, township=a1, petition=secret,
            data=case_data([mediator], village=qingxi, source=MediationCase.Source.PETITION),
            parties=[mediation_services.CaseParty(role="applicant", person=secret.parties.first().person),
                     mediation_services.CaseParty(role="respondent", name="赵被申")]),
    }


READ_ONLY_REASON = "县级只查看各乡镇的案件"


def test_the_county_reads_a_townships_mediation_and_ledger_masked_and_changes_nothing(world):
    from office.models import AccessLog

    u = world["users"]
    d = _mediation_world(world)
    case, entry = d["case"], d["entry"]
    client = client_for(u["county"])
    pages = {
        "mediation": reverse("disputes:mediation_detail", args=[case.pk]),
        "registration": reverse("disputes:mediation_application_pdf", args=[case.pk]),
        "entry": reverse("disputes:entry_detail", args=[entry.pk]),
        "round": reverse("disputes:round_detail", args=[entry.first_round_id]),
        "ledger": reverse("disputes:index"),
        "mediation_list": reverse("disputes:mediation_list"),
    }
    bodies = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        bodies[name] = response.content.decode("utf-8", "replace")
    # Masked: the parties' phones (13812345678, 13987654321) appear nowhere; no change button is offered.
    for name in ("mediation", "entry", "ledger", "mediation_list"):
        assert "13812345678" not in bodies[name] and "13987654321" not in bodies[name], name
    assert "data-action=" not in bodies["mediation"]
    for action in ("resolve", "mark_unresolved", "edit", "transfer", "meeting", "mediation", "add_party"):
        assert reverse(f"disputes:entry_{action}", args=[entry.pk]) not in bodies["entry"]
    assert reverse("disputes:export") not in bodies["ledger"] and reverse("reports:export_mediation") not in bodies[
        "mediation_list"]
    assert case.number in bodies["mediation_list"] and entry.title in bodies["ledger"]
    assert d["secret_case"].number not in bodies["mediation_list"]
    # Every change is refused, with the reason in words; nothing is revealed without the county's grant.
    for url in (reverse("disputes:mediation_archive", args=[case.pk]),
                reverse("disputes:mediation_agreement", args=[case.pk]),
                reverse("disputes:entry_resolve", args=[entry.pk]),
                reverse("disputes:entry_edit", args=[entry.pk]),
                reverse("disputes:round_withdraw", args=[entry.first_round_id]),
                reverse("disputes:mediation_new")):
        refused = client.post(url, {"note": "县里改一下", "version": "1"})
        assert refused.status_code == 403, url
        assert READ_ONLY_REASON in refused.content.decode(), url
    assert client.post(reverse("disputes:mediation_show_personal", args=[case.pk])).status_code == 403
    assert client.post(reverse("disputes:entry_show_personal", args=[entry.pk])).status_code == 403
    case.refresh_from_db()
    assert case.status == "visited"
    # Never a case opened from a 检举控告, never another county's.
    assert client.get(reverse("disputes:mediation_detail", args=[d["secret_case"].pk])).status_code == 404
    other = client_for(u["county_b"])
    for url in (pages["mediation"], pages["registration"], pages["entry"], pages["round"]):
        assert other.get(url).status_code == 404, url
    assert case.number not in other.get(pages["mediation_list"]).content.decode()
    # Given 县级查看个人信息: the reveal is a POST and logged, as in a township.
    county = u["county"]
    county.groups.add(Group.objects.get(name=ROLE_GROUPS[COUNTY_PERSONAL_DATA]))
    client = client_for(type(county).objects.get(pk=county.pk))
    assert client.get(reverse("disputes:mediation_show_personal", args=[case.pk])).status_code == 405
    shown = client.post(reverse("disputes:mediation_show_personal", args=[case.pk]))
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    assert AccessLog.objects.filter(user=county, action=AccessLog.Action.SHOW_PERSONAL,
                                    detail__mediation_case=case.pk).exists()
    shown = client.post(reverse("disputes:entry_show_personal", args=[entry.pk]))
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    assert client.post(reverse("disputes:mediation_archive", args=[case.pk])).status_code == 403


def test_every_drill_down_of_the_rollup_opens_a_page_the_county_can_open(world):
    """参调率, 调解成功率, the rounds not filed …: each link of the roll-up answers 200, and so does each case it lists."""
    u = world["users"]
    d = _mediation_world(world)
    client = client_for(u["county"])
    home = client.get(reverse("county:home")).content.decode()
    a1 = world["townships"][0]
    links = sorted(set(re.findall(r'href="(/(?:county|disputes)/[^"]*)"', home)))
    links = [link.replace("&amp;", "&") for link in links if "/export/" not in link]  # the Excel files: another test
    assert reverse("county:township_rounds", args=[a1.pk]) in links
    for key in ("participation", "mediation_success"):
        assert any(link.startswith(reverse("county:township_cases", args=[a1.pk, key])) for link in links), key
    cases = set()
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, (link, response.status_code)
        for part in ("numerator", "denominator"):
            if "part=" in link:
                page = client.get(link.replace("part=numerator", f"part={part}")).content.decode()
                cases |= set(re.findall(r'href="(/(?:disputes|petitions)/(?:mediation|entries|rounds|\d)[^"]*)"',
                                        page))
        cases |= set(re.findall(r'href="(/disputes/rounds/\d+/)"', response.content.decode()))
    assert reverse("disputes:mediation_detail", args=[d["case"].pk]) in cases
    assert reverse("disputes:entry_detail", args=[d["entry"].pk]) in cases
    for link in sorted(cases):
        assert client.get(link).status_code == 200, link
    # Another county's township: a 404.
    b1 = world["townships"][2]
    assert client.get(reverse("county:township_rounds", args=[b1.pk])).status_code == 404
    assert client_for(u["coord_a1"]).get(reverse("county:township_rounds", args=[a1.pk])).status_code == 403


def test_the_county_administrator_has_the_account_pages_of_the_county_only(world, settings):
    from axes.models import AccessAttempt

    from office.models import AccountChange

    u = world["users"]
    limit = settings.AXES_FAILURE_LIMIT
    attempts = {key: AccessAttempt.objects.create(
        username=u[key].username, ip_address="10.0.0.9", user_agent="test", path_info="/login/", http_accept="*/*",
        get_data="", post_data="", failures_since_start=limit) for key in ("clerk_a2", "clerk_a1", "clerk_b1")}
    AccountChange.objects.all().delete()  # the roles the builders gave: not this test's business
    for key in ("clerk_a2", "clerk_b1", "county_b", "county"):
        AccountChange.objects.create(user=u[key], by=u["admin_a1"], kind="active", before="true", after="false")
    client = client_for(u["countyadmin"])
    names = {key: user.username for key, user in u.items()}

    def locked(client):
        page = client.get(reverse("lockouts"))
        assert page.status_code == 200
        return set(re.findall(r"<td>([^<]+)</td><td>10\.0\.0\.9</td>", page.content.decode()))

    def changed(client):
        page = client.get(reverse("account_changes"))
        assert page.status_code == 200
        return set(re.findall(r'<small class="text-muted">([^<]+)</small>', page.content.decode())) - {
            names["admin_a1"], names["countyadmin"]}

    assert locked(client) == {names["clerk_a1"], names["clerk_a2"]}  # the county's townships, not 白水县's
    assert client.post(reverse("unlock", args=[attempts["clerk_b1"].pk])).status_code == 404
    assert client.post(reverse("unlock", args=[attempts["clerk_a2"].pk])).status_code == 302
    assert not AccessAttempt.objects.filter(username=names["clerk_a2"]).exists()
    assert AccountChange.objects.filter(user=u["clerk_a2"], kind="unlocked", by=u["countyadmin"]).exists()
    assert changed(client) == {names["clerk_a2"], names["county"]}  # the townships' logins and the county's staff
    # A township's administrator: their own township's logins only, never the county's staff.
    township_admin = client_for(u["admin_a1"])
    assert locked(township_admin) == {names["clerk_a1"]}
    assert changed(township_admin) == set()
    # The 县级督办 administers nothing.
    assert client_for(u["county"]).get(reverse("lockouts")).status_code == 403
    assert client_for(u["county"]).get(reverse("account_changes")).status_code == 403
