"""Every role's work queues (issue 12 §1): defined once (reports/queues.py), counted in the menu, shown
on the home page, and every link opens a page its user may see."""
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from office.models import EscalationLevel
from petitions import workflow
from reports.queues import work_queues
from tests.builders import advance, petition_in_state, register_petition
from tests.crawl import broken, crawl

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def counts(user):
    return {q.key: q.count for q in work_queues(user, NOW.date())}


@pytest.fixture
def sign_offs(users):
    """One case for each thing a leader signs: a decision, an extension, a reply, an escalation."""
    decision = advance(register_petition(users["clerk"], received_on=D(2026, 11, 20)), users, "decision_review")
    extension = petition_in_state(users, "in_progress")
    workflow.request_extension(extension, by=users["handler"], days=20, reason="需要现场测绘")
    reply = petition_in_state(users, "reply_review")
    # A case with a unit stands at rank 6 (docs/domain.md §2.4); this leader holds rank 7 (主要领导).
    escalated = petition_in_state(users, "in_progress")
    users["leader"].staff.ladder_level = EscalationLevel.objects.get(rank=7)
    users["leader"].staff.save()
    workflow.raise_escalation(escalated, by=users["coordinator"], reason="群众反映强烈")
    return {"decision": decision, "extension": extension, "reply": reply, "escalation": escalated}


def test_the_clerk_has_her_queues(client, users, coordinator):
    clerk = users["clerk"]
    older = register_petition(clerk, received_on=D(2026, 11, 1), title="最早的一件")  # decision due 16 Nov
    newer = register_petition(clerk, received_on=D(2026, 11, 24), title="昨天登记的")
    sent_back = advance(register_petition(clerk, received_on=D(2026, 11, 10), title="被退回的"), users, "decision_review")
    workflow.reject_decision(sent_back, by=users["leader"], comment="事实不清，请补充后重新提出")
    theirs = register_petition(coordinator, received_on=D(2026, 11, 1), title="别人登记的")  # not her overdue

    # The sent-back case was received on 10 November: its decision is due today.
    assert counts(clerk) == {"to-decide": 3, "sent-back": 1, "overdue": 1, "due-soon": 1}
    client.force_login(clerk)
    body = client.get(reverse("petitions:queue", args=["to-decide"])).content.decode()
    # Oldest first, with the days left to decide.
    assert body.index(older.number) < body.index(theirs.number) < body.index(newer.number)
    assert "待提出受理意见" in body and "逾期 9 天" in body
    assert sent_back.number not in body
    body = client.get(reverse("petitions:queue", args=["sent-back"])).content.decode()
    assert sent_back.number in body and "退回重办" in body
    body = client.get(reverse("petitions:queue", args=["overdue"])).content.decode()
    assert older.number in body and theirs.number not in body
    home = client.get(reverse("home")).content.decode()
    assert "暂无待办事项" not in home and older.number in home
    assert 'data-queue="to-decide"' in home  # the menu's 待办


def test_the_leaders_queue_says_what_awaits_with_its_deadline(client, users, sign_offs):
    client.force_login(users["leader"])
    page = client.get(reverse("petitions:queue", args=["sign-offs"])).content.decode()
    cards, body = page.split('data-testid="petition-table"')  # the phone's cards, then the desk's table
    for key, words in [("decision", "受理意见待批"), ("extension", "延期申请待批"), ("reply", "答复待审签"),
                       ("escalation", "提级待决定")]:
        row = body[body.index(sign_offs[key].number):]
        row = row[:row.index("</tr>")]
        assert words in row, key
        assert "办理中" not in row
        card = cards[cards.index(sign_offs[key].number):]
        assert words in card[:card.index('data-testid="petition-card"') if 'data-testid="petition-card"' in card else None], key
    # The decision's deadline is its Art 22 date: 15 days from receipt on 20 November is Saturday
    # 5 December, moved to Monday 7 December.
    decision_row = body[body.index(sign_offs["decision"].number):]
    assert "2026-12-07" in decision_row[:decision_row.index("</tr>")]
    home = client.get(reverse("home")).content.decode()
    assert "受理意见待批" in home and "答复待审签" in home


def test_after_signing_the_leader_is_back_in_the_queue_with_the_next_item(client, users, sign_offs):
    client.force_login(users["leader"])
    reply = sign_offs["reply"]
    response = client.post(reverse("petitions:approve_reply", args=[reply.pk]), {"version": reply.version})
    assert response.status_code == 302 and response["Location"] == reverse("petitions:queue", args=["sign-offs"])
    body = client.get(response["Location"]).content.decode()
    assert reply.number not in body
    assert 'data-testid="next-item"' in body and 'data-testid="open-next"' in body


def test_the_mediators_home_is_their_work_and_files_first(client, users):
    from tests.disputes.mediation.builders import case_in

    mediator = users["mediator"]
    mediating = case_in(mediator, "mediating")
    client.force_login(mediator)
    home = client.get(reverse("home")).content.decode()
    buttons = home[home.index('data-testid="home-queues"'):]
    assert buttons.index('data-queue="round"') < buttons.index('data-queue="mediating"')
    assert "报送本期排查" in buttons
    assert mediating.number in home[home.index('data-testid="home-mediating"'):]
    assert "需催报" not in home and "petitions/queues" not in home  # no chase list, no petition queue
    assert counts(mediator)["mediating"] == 1


@pytest.mark.parametrize("role", ["clerk", "coordinator", "leader", "handler", "mediator"])
def test_every_link_from_home_and_the_queues_opens(client, users, sign_offs, role):
    seen = crawl(client, users[role])
    assert len(seen) > 3
    assert broken(seen) == {}


def test_the_menus_queues_take_a_constant_number_of_queries(client, users, sign_offs):
    client.force_login(users["leader"])
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("petitions:queue", args=["sign-offs"]))
    for _ in range(3):
        petition_in_state(users, "reply_review")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("petitions:queue", args=["sign-offs"]))
    assert len(more) == len(few)
