import pytest
from django.contrib.auth.models import Group

from office.models import EscalationLevel
from office.roles import ROLE_GROUPS


@pytest.mark.django_db
def test_every_role_group_exists_after_migrate_with_its_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(ROLE_GROUPS.values()) <= set(groups)
    perms = {
        name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for name, group in groups.items()
    }
    assert "office.change_timelimits" in perms["系统管理员"]
    assert "office.add_calendaroverride" in perms["系统管理员"]
    assert "office.export_data" in perms["领导"]
    assert "office.export_data" not in perms["承办人"]
    assert "office.view_personal_data" not in perms["承办人"]


@pytest.mark.django_db
def test_escalation_ladder_is_seeded_with_seven_levels():
    names = list(EscalationLevel.objects.order_by("rank").values_list("rank", "name"))
    assert [rank for rank, _ in names] == [1, 2, 3, 4, 5, 6, 7]
    assert names[0][1] == "村综治（调委会）主任"
    assert names[-1][1] == "镇主要领导"
    first = EscalationLevel.objects.get(rank=1)
    assert first.next_level().rank == 2
    assert EscalationLevel.objects.get(rank=7).next_level() is None


@pytest.mark.django_db
def test_time_limits_default_to_the_legal_values(township):
    limits = township.time_limits
    assert (limits.decision_days, limits.unit_return_working_days, limits.handling_days) == (15, 5, 60)
    assert (limits.extension_max_days, limits.review_request_days) == (30, 30)
    assert (
        limits.return_visit_class1_months,
        limits.return_visit_class2_months,
        limits.return_visit_class3_months,
    ) == (1, 3, 6)
