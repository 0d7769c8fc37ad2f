import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

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


ROOT = Path(__file__).resolve().parents[2]


def _rule_sources():
    """The code and templates that check rights: everything but models and migrations."""
    for folder in ("office", "petitions", "disputes", "reports", "ledgerimport", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or "migrations" in path.parts or "models" in path.parts:
                continue
            if path.name != "models.py":
                yield path.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_every_declared_right_is_granted_to_a_role_and_checked_somewhere():
    """docs/architecture.md §3: a right in Meta.permissions is given to a role group and a rule checks it."""
    text = "\n".join(_rule_sources())
    granted = set(
        Permission.objects.filter(group__name__in=ROLE_GROUPS.values()).values_list("content_type__app_label", "codename")
    )
    declared = [(model._meta.app_label, codename) for model in apps.get_models() for codename, _ in model._meta.permissions]
    assert declared
    for app_label, codename in declared:
        assert (app_label, codename) in granted, f"{app_label}.{codename} is granted to no role"
        checked = rf"[\"']{app_label}\.{codename}[\"']|perms\.{app_label}\.{codename}\b|[\"']{codename}[\"']"
        assert re.search(checked, text), f"{app_label}.{codename} is checked nowhere"


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
