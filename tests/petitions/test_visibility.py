"""Who sees which case (issue 3 §6): enforced in selectors, a 404 otherwise."""
import pytest
from django.urls import reverse

from office.roles import CLERK, HANDLER, LEADER
from petitions.models import Petition
from petitions.selectors import visible_petitions
from tests.builders import make_user, register_petition

pytestmark = pytest.mark.django_db


def refer(petition, *, unit=None, village=None, handler=None):
    """Stand-in for the referral transition of the workflow issue: sets who the case is referred to."""
    Petition.objects.filter(pk=petition.pk)
    petition.assigned_unit, petition.assigned_village, petition.handler = unit, village, handler
    petition.save(update_fields=["assigned_unit", "assigned_village", "handler"])
    return petition


def visible(user):
    return set(visible_petitions(user).values_list("pk", flat=True))


def test_township_roles_see_their_township_and_never_another(clerk, coordinator, leader, outsider):
    ours = register_petition(clerk)
    theirs = register_petition(outsider)
    for user in (clerk, coordinator, leader):
        assert visible(user) == {ours.pk}
    assert visible(outsider) == {theirs.pk}


def test_handlers_see_only_cases_referred_to_their_unit_village_or_them(clerk, handler, township, justice, police, village):
    to_justice = refer(register_petition(clerk), unit=justice)
    refer(register_petition(clerk), unit=police)
    not_referred = register_petition(clerk)
    village_handler = make_user(HANDLER, township, village=village)
    to_village = refer(register_petition(clerk), village=village)
    assert visible(handler) == {to_justice.pk}
    assert visible(village_handler) == {to_village.pk}
    assert not_referred.pk not in visible(handler)


def test_confidential_cases_only_for_the_registering_clerk_leaders_and_the_handler(
    clerk, coordinator, leader, handler, township, center, justice
):
    report = register_petition(clerk, purpose=Petition.Purpose.REPORT)
    other_clerk = make_user(CLERK, township, unit=center)
    assert report.confidential
    assert report.pk in visible(clerk)
    assert report.pk in visible(leader)
    assert report.pk not in visible(other_clerk)
    assert report.pk not in visible(coordinator)
    refer(report, unit=justice)
    colleague = make_user(HANDLER, township, unit=justice)
    assert report.pk not in visible(colleague)  # the unit alone is not enough for a confidential case
    refer(report, unit=justice, handler=handler)
    assert report.pk in visible(handler)


def test_the_unit_complained_about_never_sees_the_case(clerk, township, police):
    complaint = register_petition(clerk, complained_unit=police, purpose=Petition.Purpose.SEEK_SOLUTION)
    police_leader = make_user(LEADER, township, unit=police)
    police_handler = make_user(HANDLER, township, unit=police)
    refer(complaint, unit=police, handler=police_handler)  # even if wrongly referred to it
    assert complaint.pk not in visible(police_leader)
    assert complaint.pk not in visible(police_handler)


def test_recused_staff_do_not_see_the_case(clerk, leader):
    petition = register_petition(clerk)
    petition.recused.add(leader)
    assert petition.pk not in visible(leader)


def test_the_signed_in_user_read_with_the_request_knows_whether_any_case_names_or_recused_them(
        client, clerk, leader, township):
    """office/auth.py reads, with the user, whether a recusal or a named complaint exists; never_sees skips its
    conditions only when neither does, and the next request after a recusal or a complaint hides the case."""
    from office.auth import StaffBackend

    recused_from, about = register_petition(clerk), register_petition(clerk)
    loaded = StaffBackend().get_user(leader.pk)
    assert loaded.has_recusals is False and loaded.is_named_in_cases is False
    assert visible(loaded) == {recused_from.pk, about.pk}
    client.force_login(leader)
    assert client.get(reverse("petitions:detail", args=[recused_from.pk])).status_code == 200
    recused_from.recused.add(leader)
    assert client.get(reverse("petitions:detail", args=[recused_from.pk])).status_code == 404
    about.complained_staff.add(leader)
    assert client.get(reverse("petitions:detail", args=[about.pk])).status_code == 404
    loaded = StaffBackend().get_user(leader.pk)
    assert loaded.has_recusals is True and loaded.is_named_in_cases is True
    assert visible(loaded) == set()


def test_unseen_case_is_a_404_on_every_page(client, clerk, outsider):
    petition = register_petition(clerk)
    client.force_login(outsider)
    for name in ("petitions:detail", "petitions:edit", "petitions:registration_pdf"):
        assert client.get(reverse(name, args=[petition.pk])).status_code == 404, name
    assert client.post(reverse("petitions:show_personal", args=[petition.pk])).status_code == 404


def test_read_only_role_gets_403_on_changes(client, clerk, leader, handler):
    petition = register_petition(clerk)
    client.force_login(leader)
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 200
    assert client.get(reverse("petitions:edit", args=[petition.pk])).status_code == 403
    assert client.get(reverse("petitions:register")).status_code == 403
    client.force_login(handler)
    assert client.get(reverse("petitions:register")).status_code == 403


def test_mediator_has_no_petition_section(client, mediator):
    client.force_login(mediator)
    assert client.get(reverse("petitions:index")).status_code == 403


def test_list_shows_only_visible_cases(client, clerk, outsider):
    ours = register_petition(clerk)
    theirs = register_petition(outsider, title="外乡镇案件")
    client.force_login(clerk)
    body = client.get(reverse("petitions:index")).content.decode()
    assert ours.title in body and "外乡镇案件" not in body
    assert theirs.number == ours.number  # numbers are per township, so only the title tells them apart
