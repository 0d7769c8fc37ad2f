"""Daily reminders (issue 12 §2): one digest per person per day, updated in place; task messages that
clear when the task is done; what the digest covers; a dry run that counts its e-mails."""
import datetime
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from office.models import Notification
from office.notify import open_task_count
from office.roles import LEADER
from petitions import workflow
from tests.builders import advance, make_user, petition_in_state, register_petition

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day, hour=8):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def digests(user):
    return Notification.objects.filter(user=user, key__startswith="digest:")


@pytest.fixture
def cases(users):
    for user in users.values():
        user.email = f"{user.username}@example.gov"
        user.save()
    # Built on a named day, a little before the reminders run (29 November), whatever today is.
    with on(D(2026, 11, 20), 9):
        overdue = register_petition(users["clerk"], received_on=D(2026, 11, 1))  # decision due 16 Nov: overdue
        in_progress = petition_in_state(users, "in_progress")  # handler's, due in January: no reminder
        review = petition_in_state(users, "reply_review")  # the leader's sign-off, due in January
    return overdue, in_progress, review


def test_one_digest_per_person_per_day(users, cases):
    overdue, in_progress, review = cases
    with on(D(2026, 11, 29)):
        output = run()
        assert "发送：" in output
        coordinator = digests(users["coordinator"]).get()
        assert coordinator.key == "digest:2026-11-29" and coordinator.url == reverse("home")
        assert overdue.number in coordinator.detail and "逾期" in coordinator.detail
        # The clerk is reminded of the decision she has to propose; the leader of the reply to sign,
        # though it is not due for weeks; the handler not of a case due in January.
        assert overdue.number in digests(users["clerk"]).get().detail
        assert "待提出受理意见" in digests(users["clerk"]).get().detail
        leader = digests(users["leader"]).get()
        assert review.number in leader.detail and "答复待审签" in leader.detail
        assert in_progress.number not in "".join(digests(users["handler"]).values_list("detail", flat=True))
        # The village mediator is reminded of the missing rounds.
        assert "零报告" in digests(users["mediator"]).get().detail
        sent, stored = len(mail.outbox), Notification.objects.count()
        assert {m.to[0] for m in mail.outbox} >= {"coordinator@example.gov", "clerk@example.gov",
                                                  "leader@example.gov", "mediator@example.gov"}
        assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox)  # one e-mail per person
        # Twice a day: nothing new.
        run()
        assert len(mail.outbox) == sent and Notification.objects.count() == stored
        # A task done since: the digest is rewritten in place, no new message, no second e-mail.
        workflow.approve_reply(review, by=users["leader"])
        run()
        leader = digests(users["leader"]).get()
        assert review.number not in leader.detail and "均已办结" in leader.text
        assert len(mail.outbox) == sent and Notification.objects.count() == stored
    with on(D(2026, 11, 30)):
        run()
        assert len(mail.outbox) > sent  # a new day, a new digest
        coordinator = digests(users["coordinator"])
        assert coordinator.count() == 2
        assert coordinator.filter(read_at__isnull=True).get().key == "digest:2026-11-30"  # yesterday's superseded


def test_task_messages_clear_when_the_task_is_done_by_anyone(users, django_capture_on_commit_callbacks):
    second = make_user(LEADER, users["leader"].staff.township, username="leader2")
    petition = register_petition(users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        advance(petition, users, "decision_review")
    asked = Notification.objects.filter(task=f"petitions.petition:{petition.pk}:decision")
    assert {n.user for n in asked} == {users["leader"], second}
    assert open_task_count(second) == 1
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reject_decision(petition, by=users["leader"], comment="请补充事实")
    # Done by the first leader: the second leader's copy is done too, and the clerk has a task.
    assert all(n.done_at for n in asked.all()) and open_task_count(second) == 0
    redo = Notification.objects.get(user=users["clerk"])
    assert redo.task.endswith(":redo-decision") and redo.done_at is None and "退回" in redo.text
    petition.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.propose_decision(petition, by=users["clerk"], decision="accept", reasons="已补充")
    redo.refresh_from_db()
    assert redo.done_at is not None and open_task_count(users["clerk"]) == 0
    assert open_task_count(second) == 1  # asked again


def test_messages_show_one_line_each_and_the_menu_counts_open_tasks(client, users,
                                                                     django_capture_on_commit_callbacks):
    petition = register_petition(users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        advance(petition, users, "decision_review")
    client.force_login(users["leader"])
    body = client.get(reverse("notifications")).content.decode()
    assert re.search(r'data-testid="notifications">消息 <span class="badge[^>]*>1</span>', body)
    assert 'data-done="0"' in body and petition.number in body
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_decision(petition, by=users["leader"])
    body = client.get(reverse("notifications")).content.decode()
    assert 'data-done="1"' in body and "已办" in body
    assert not re.search(r'data-testid="notifications">消息 <span class="badge', body)


def test_reminders_cover_mediation_deadlines(users):
    from disputes.models import MediationCase
    from tests.disputes.mediation.builders import case_in, register

    mediator = users["mediator"]
    with on(D(2026, 10, 26), 10):
        late = register(mediator, title="超期未结的纠纷")  # a 30-day limit: due 25 November
        effective = case_in(mediator, MediationCase.Status.PERFORMING, title="协议已生效")  # window closes 25 Nov
    with on(D(2026, 11, 18), 10):
        awaiting = case_in(mediator, MediationCase.Status.AGREED, title="协议待签")
    with on(D(2026, 11, 20)):
        run()
        detail = digests(mediator).get().detail
        assert awaiting.title in detail and "待当事人签署" in detail
        assert effective.title in detail and "司法确认" in detail  # in its last week
        assert late.title not in detail  # still within its limit
    with on(D(2026, 11, 27)):
        run()
        detail = digests(mediator).get(key="digest:2026-11-27").detail
        assert late.title in detail and "超过调解期限" in detail
        assert effective.title not in detail  # the window has closed


def test_dry_run_counts_the_emails_and_stores_nothing(users, cases):
    with on(D(2026, 11, 29)):
        output = run("--dry-run")
        assert "试运行" in output and "coordinator" in output and "coordinator@example.gov" in output
        assert not Notification.objects.filter(key__startswith="digest:").exists()
        assert mail.outbox == []
        would = int(re.search(r"(\d+) 封邮件", output).group(1))
        run()
        assert would == len(mail.outbox) > 0
