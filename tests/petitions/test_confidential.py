"""A 检举控告 reaches nobody it must be kept from (issue 13; docs/domain.md §2.1, §5).

The crawl over every URL is tests/test_access.py; these tests pin each rule where it lives.
"""
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from office.models import Notification
from office.notify import may_open, notify
from office.roles import CLERK, HANDLER, LEADER
from petitions import permissions, workflow
from petitions.action_forms import AssignForm
from petitions.models import CaseEvent, Petition
from petitions.selectors import visible_petitions
from tests.builders import ID_NUMBERS, make_user, register_petition

pytestmark = pytest.mark.django_db

WHISTLE = [{"name": "苗秀英", "phone": "13900000101", "id_number": ID_NUMBERS[2]}]
REPORT = Petition.Purpose.REPORT


def accepted(petition, clerk, leader):
    workflow.propose_decision(petition, by=clerk, decision="accept", reasons="符合受理条件")
    workflow.approve_decision(petition, by=leader)
    petition.refresh_from_db()
    return petition


def test_staff_of_the_village_complained_about_and_named_staff_never_see_the_case(clerk, leader, township, village):
    head = make_user(HANDLER, township, village=village)
    named_leader = make_user(LEADER, township, unit=leader.staff.unit)
    report = register_petition(clerk, WHISTLE, purpose=REPORT, complained_village=village,
                               complained_staff=[head, named_leader])
    assert report.pk in visible_petitions(leader).values_list("pk", flat=True)
    assert not visible_petitions(named_leader).filter(pk=report.pk).exists()  # even a leader
    workflow.propose_decision(report, by=clerk, decision="accept", reasons="符合受理条件")
    workflow.approve_decision(report, by=leader)
    report.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        workflow.assign_petition(report, by=leader, instruction="核查", lead_leader=leader, village=village,
                                 handler=head)
    assert "被反映的村" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        workflow.assign_petition(report, by=leader, instruction="核查", lead_leader=named_leader,
                                 unit=leader.staff.unit, handler=make_user(HANDLER, township, unit=leader.staff.unit))
    assert "不得承办或包案" in " ".join(refused.value.messages)
    form = AssignForm(case=report, user=leader)
    assert village not in form.fields["village"].queryset
    assert head not in form.fields["handler"].queryset
    assert named_leader not in form.fields["lead_leader"].queryset


def test_a_confidential_case_is_referred_to_a_named_handler(clerk, leader, justice):
    report = accepted(register_petition(clerk, WHISTLE, purpose=REPORT), clerk, leader)
    with pytest.raises(ValidationError) as refused:
        workflow.assign_petition(report, by=leader, instruction="核查", lead_leader=leader, unit=justice)
    assert "指定具体承办人" in " ".join(refused.value.messages)


def test_the_handler_reveals_personal_data_of_a_report_only_when_named(clerk, leader, handler, township, justice):
    colleague = make_user(HANDLER, township, unit=justice)
    plain = accepted(register_petition(clerk), clerk, leader)
    workflow.assign_petition(plain, by=leader, instruction="调查", lead_leader=leader, unit=justice)
    plain.refresh_from_db()
    # An ordinary case: every handler of the unit it is referred to may phone the petitioner.
    assert permissions.can_view_personal_data(handler, plain) and permissions.can_view_personal_data(colleague, plain)
    report = accepted(register_petition(clerk, WHISTLE, purpose=REPORT), clerk, leader)
    workflow.assign_petition(report, by=leader, instruction="核查", lead_leader=leader, unit=justice, handler=handler)
    report.refresh_from_db()
    assert permissions.can_view_personal_data(handler, report)
    assert not permissions.can_view_personal_data(colleague, report)
    assert permissions.can_view_personal_data(leader, report) and permissions.can_view_personal_data(clerk, report)


def test_the_reveal_page_follows_the_rule(client, clerk, leader, handler, township, justice):
    colleague = make_user(HANDLER, township, unit=justice)
    report = accepted(register_petition(clerk, WHISTLE, purpose=REPORT), clerk, leader)
    workflow.assign_petition(report, by=leader, instruction="核查", lead_leader=leader, unit=justice, handler=handler)
    url = reverse("petitions:show_personal", args=[report.pk])
    client.force_login(handler)
    assert "13900000101" in client.post(url).content.decode()
    client.force_login(colleague)
    assert client.post(url).status_code == 404


def test_the_lookup_lists_only_people_and_cases_the_clerk_may_see(client, clerk, township, center):
    report = register_petition(clerk, WHISTLE, purpose=REPORT)
    other_clerk = make_user(CLERK, township, unit=center)
    query = {"row": "p0", "p0-phone": "13900000101"}
    client.force_login(clerk)
    body = client.get(reverse("petitions:lookup"), query).content.decode()
    assert "苗秀英" in body and report.number in body
    client.force_login(other_clerk)
    body = client.get(reverse("petitions:lookup"), query).content.decode()
    assert "苗秀英" not in body and report.number not in body


def test_a_later_case_links_only_visible_cases_and_a_report_never_makes_it_a_repeat(clerk, township, center):
    report = register_petition(clerk, WHISTLE, purpose=REPORT)
    plain = register_petition(clerk, WHISTLE, title="宅基地确权")
    assert set(plain.related_cases.all()) == {report}  # the clerk who registered the report may see it
    assert plain.is_repeat is False
    assert report.number not in plain.events.get().note
    other_clerk = make_user(CLERK, township, unit=center)
    third = register_petition(other_clerk, WHISTLE, title="低保申请")
    assert set(third.related_cases.all()) == {plain}  # the report is not the other clerk's to link
    assert third.is_repeat is True
    assert plain.number in third.events.get().note and report.number not in third.events.get().note


def test_notifications_go_only_to_who_may_open_the_case(django_capture_on_commit_callbacks, clerk, leader,
                                                          township, justice, police):
    colleague = make_user(HANDLER, township, unit=justice)
    police_handler = make_user(HANDLER, township, unit=police)
    report = register_petition(clerk, WHISTLE, purpose=REPORT, complained_unit=police)
    url = reverse("petitions:detail", args=[report.pk])
    assert may_open([leader, clerk, colleague, police_handler, None, leader], url) == [leader, clerk]
    with django_capture_on_commit_callbacks(execute=True):
        notify([leader, colleague, police_handler], f"{report.number} 督办", url)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {leader.pk}
    with pytest.raises(ImproperlyConfigured):
        may_open([leader], reverse("petitions:index"))  # a page without a rule is never sent to everyone


def test_existing_links_to_a_confidential_case_are_taken_out_of_flag_and_note(clerk):
    report = register_petition(clerk, WHISTLE, purpose=REPORT)
    plain = register_petition(clerk, title="一般事项")
    later = register_petition(clerk, WHISTLE, title="宅基地确权")
    # As the code before issue 13 left it: flagged, and the note naming the report and another case.
    later.related_cases.add(report, plain)
    Petition.objects.filter(pk=later.pk).update(is_repeat=True)
    CaseEvent.objects.filter(petition=later).update(note=f"重复信访：该信访人尚有未办结事项 {report.number}、{plain.number}。")
    only_report = register_petition(clerk, WHISTLE, title="另一事项")
    only_report.related_cases.set([report])
    Petition.objects.filter(pk=only_report.pk).update(is_repeat=True)
    CaseEvent.objects.filter(petition=only_report).update(note=f"重复信访：该信访人尚有未办结事项 {report.number}。")
    migration = importlib.import_module("petitions.migrations.0009_hide_confidential_links")
    migration.scrub(apps, None)
    later.refresh_from_db()
    only_report.refresh_from_db()
    assert later.is_repeat and later.events.get().note == f"重复信访：该信访人尚有未办结事项 {plain.number}。"
    assert not only_report.is_repeat and only_report.events.get().note == ""
