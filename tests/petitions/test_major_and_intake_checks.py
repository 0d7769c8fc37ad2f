"""信访工作条例 Art 25 (major or urgent matters reach the leaders at once, a banner until reported) and the
intake checks of issue 11 §7 (a sex the ID number contradicts, a received date far back, and where a user
lands when a move takes the case out of their sight)."""
import datetime

import pytest
from django.utils import timezone

from office.models import EscalationLevel, Notification
from office.roles import LEADER
from petitions import workflow
from petitions.forms import PetitionerForm, PetitionForm
from tests.builders import ID_NUMBERS, advance, make_user, petition_data, register_petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader7(township, center):
    return make_user(LEADER, township, unit=center, username="leader7", ladder_level=EscalationLevel.objects.get(rank=7))


def test_major_at_intake_tells_the_leaders_and_the_center_and_nobody_else(users, leader7,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        petition = register_petition(users["clerk"], is_major=True)
    told = set(Notification.objects.filter(text__contains=petition.number).values_list("user__username", flat=True))
    assert told == {"leader", "leader7", "coordinator"}
    petition.refresh_from_db()
    assert petition.is_major and petition.major_flagged_at is not None


def test_the_banner_shows_until_a_leader_records_the_report(users, client, django_capture_on_commit_callbacks):
    petition = register_petition(users["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.mark_major(petition, by=users["coordinator"], reason="有聚集苗头")
    assert Notification.objects.filter(user=users["leader"], text__contains=petition.number).exists()
    assert not Notification.objects.filter(user=users["mediator"]).exists()
    for role in ("leader", "coordinator"):
        client.force_login(users[role])
        page = client.get("/")
        assert [p.pk for p in page.context["major_unreported"]] == [petition.pk]
        assert 'data-testid="major-banner"' in page.content.decode()
    client.force_login(users["handler"])
    assert 'data-testid="major-banner"' not in client.get("/").content.decode()

    with pytest.raises(workflow.PermissionDenied):  # only a leader records the report
        workflow.report_major(petition, by=users["coordinator"], reported_at=timezone.now(), to_government=True,
                              to_higher_office=False, method="phone")
    with pytest.raises(workflow.ValidationError):  # to whom is required
        workflow.report_major(petition, by=users["leader"], reported_at=timezone.now(), to_government=False,
                              to_higher_office=False, method="phone")
    client.force_login(users["leader"])
    response = client.post(f"/petitions/{petition.pk}/report-major/", {
        "version": petition.version + 1, "to_government": "on", "to_higher_office": "on",
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "phone", "note": "已电话报告"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.major_report.to_government and petition.major_report.to_higher_office
    event = petition.events.last()
    assert event.action == "report_major" and event.actor == users["leader"]
    page = client.get("/")
    assert page.context["major_unreported"] == [] and [p.pk for p in page.context["major_reported"]] == [petition.pk]
    assert 'data-testid="major-banner"' not in page.content.decode()


def test_a_sex_the_id_number_contradicts_is_shown_and_the_clerk_chooses(township):
    # ID_NUMBERS[0] ends 002X: the 17th digit 2 is even, a woman.
    row = {"name": "张三", "sex": "M", "id_number": ID_NUMBERS[0]}
    form = PetitionerForm(row, township=township)
    assert not form.is_valid() and "sex" in form.errors
    assert "女" in str(form.errors["sex"]) or "female" in str(form.errors["sex"])
    assert PetitionerForm({**row, "sex": "F"}, township=township).is_valid()
    kept = PetitionerForm({**row, "keep_sex": "on"}, township=township)
    assert kept.is_valid() and kept.cleaned_data["sex"] == "M"


def _form_data(township, received_on, **extra):
    data = {f"p-{k}": ("" if v is None else v) for k, v in petition_data(received_on=received_on).items()}
    data.update({f"p-{k}": v for k, v in extra.items()})
    return PetitionForm(data, township=township, prefix="p")


def test_a_received_date_more_than_60_days_back_needs_confirmation(township):
    today = timezone.localdate()
    assert _form_data(township, today - datetime.timedelta(days=60)).is_valid()
    far = _form_data(township, today - datetime.timedelta(days=61))
    assert not far.is_valid() and "received_on" in far.errors and "61" in str(far.errors["received_on"])
    assert _form_data(township, today - datetime.timedelta(days=61), confirm_received_on="on").is_valid()


def test_returning_a_referral_goes_to_the_handlers_queue(users, client):
    petition = advance(register_petition(users["clerk"]), users, "assigned")
    client.force_login(users["handler"])
    response = client.post(f"/petitions/{petition.pk}/return-referral/",
                           {"version": petition.version, "reason": "不属本单位职责"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/petitions/queues/")
    assert any("退回" in str(m) or "Return" in str(m) for m in response.context["messages"])
