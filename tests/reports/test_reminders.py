import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from office.models import Notification
from tests.builders import petition_in_state, register_petition

pytestmark = pytest.mark.django_db
D = datetime.date


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cases(users):
    for user in users.values():
        user.email = f"{user.username}@example.gov"
        user.save()
    # Built on a named day, a little before the reminders run (29 November), whatever today is.
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        overdue = register_petition(users["clerk"], received_on=D(2026, 11, 1))  # decision due 16 Nov: overdue
        in_progress = petition_in_state(users, "in_progress")  # handler's, due in January: no reminder
    return overdue, in_progress


def test_reminders_go_to_the_right_people_once_a_day(users, cases):
    overdue, in_progress = cases
    with time_machine.travel(datetime.datetime(2026, 11, 29, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        output = run()
        assert "发送：" in output
        coordinator_notes = Notification.objects.filter(user=users["coordinator"], key__startswith="remind:")
        assert [n.url for n in coordinator_notes] == [f"/petitions/{overdue.pk}/"]
        assert "逾期" in coordinator_notes.get().text
        assert not Notification.objects.filter(user=users["handler"], key__contains=f"petition:{in_progress.pk}").exists()
        assert not Notification.objects.filter(user=users["clerk"], key__startswith="remind:").exists()
        # The village mediator is reminded of the missing round of last week.
        mediator_notes = Notification.objects.filter(user=users["mediator"], key__contains=":round:")
        assert mediator_notes.exists() and all("零报告" in n.text for n in mediator_notes)
        sent, stored = len(mail.outbox), Notification.objects.count()
        assert {m.to[0] for m in mail.outbox} >= {"coordinator@example.gov", "mediator@example.gov"}
        # Twice a day: nothing new.
        run()
        assert len(mail.outbox) == sent
        assert Notification.objects.count() == stored
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        run()
        assert len(mail.outbox) > sent  # a new day, a new reminder


def test_dry_run_sends_and_stores_nothing(users, cases):
    with time_machine.travel(datetime.datetime(2026, 11, 29, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        output = run("--dry-run")
    assert "试运行" in output and "coordinator" in output
    assert not Notification.objects.filter(key__startswith="remind:").exists()
    assert mail.outbox == []
