"""Reference data and role rights seeded by migration; the admin pages for them."""
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from disputes.models import DisputeType, RiskLevel, ScreeningCadence
from office.roles import ROLE_GROUPS

from .builders import found_entry

pytestmark = pytest.mark.django_db
seed_module = importlib.import_module("disputes.migrations.0002_seed")


def perms_of(role):
    group = Group.objects.get(name=ROLE_GROUPS[role])
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_ministry_of_justice_types_are_seeded_in_two_levels():
    categories = list(DisputeType.objects.filter(parent__isnull=True).values_list("name", flat=True))
    assert categories[:3] == ["婚姻家庭纠纷", "邻里纠纷", "房屋宅基地纠纷"]
    assert {"劳动争议纠纷", "征地拆迁纠纷", "环境污染纠纷", "道路交通事故纠纷", "物业纠纷", "其他纠纷"} <= set(categories)
    assert len(categories) == 15
    assert DisputeType.objects.get(name="拖欠工资纠纷").parent.name == "劳动争议纠纷"
    assert not DisputeType.objects.filter(parent__parent__isnull=False).exists()


def test_risk_levels_and_cadences_are_seeded():
    assert [(r.code, r.name, r.colour, r.is_major) for r in RiskLevel.objects.all()] == [
        ("green", "一般", "#198754", False),
        ("yellow", "较大", "#ffc107", False),
        ("red", "重大", "#dc3545", True),
    ]
    assert RiskLevel.objects.get(code="yellow").text_colour == "#000"
    assert RiskLevel.objects.get(code="red").text_colour == "#fff"
    assert ScreeningCadence.for_scope("village").kind == "week"
    assert ScreeningCadence.for_scope("township").kind == "fortnight"


def test_the_seed_is_idempotent():
    before = (DisputeType.objects.count(), RiskLevel.objects.count(), ScreeningCadence.objects.count())
    seed_module.seed(apps, None)
    seed_module.seed(apps, None)
    assert (DisputeType.objects.count(), RiskLevel.objects.count(), ScreeningCadence.objects.count()) == before


def test_each_role_holds_its_rights():
    assert {"disputes.file_village_round", "disputes.close_ledgerentry"} <= perms_of("mediator")
    assert "disputes.route_ledgerentry" not in perms_of("mediator")
    assert "disputes.file_township_round" not in perms_of("mediator")
    assert {"disputes.file_township_round", "disputes.route_ledgerentry", "disputes.view_compliance", "disputes.add_campaign"} <= perms_of("coordinator")
    assert {"disputes.route_ledgerentry", "disputes.view_brief"} <= perms_of("leader")
    assert "disputes.file_township_round" not in perms_of("leader")
    assert perms_of("handler") & {p for p in perms_of("coordinator") if p.startswith("disputes.")} == {
        "disputes.view_screeninground",
        "disputes.view_ledgerentry",
        # A handler opens mediation from a petition referred to them (issue 6), and sees the cases.
        "disputes.view_mediationcase",
        "disputes.add_mediationcase",
    }
    assert "disputes.change_disputetype" in perms_of("admin")
    assert not any(p.startswith("disputes.") for p in perms_of("clerk"))


def test_a_sub_type_cannot_have_sub_types():
    from django.core.exceptions import ValidationError

    sub = DisputeType.objects.get(name="宅基地纠纷")
    with pytest.raises(ValidationError):
        DisputeType(parent=sub, name="更细的类型").full_clean()


def test_the_admin_edits_reference_lists_and_never_sees_the_ledger(client, admin_user, mediator):
    entry = found_entry(mediator)
    client.force_login(admin_user)
    assert client.get("/admin/disputes/disputetype/").status_code == 200
    category = DisputeType.objects.get(name="邻里纠纷")
    assert client.get(f"/admin/disputes/disputetype/{category.pk}/change/").status_code == 200
    assert client.get("/admin/disputes/risklevel/add/").status_code == 200
    # The ledger and the rounds are case records: read on their own pages, not in the admin.
    assert client.get("/admin/disputes/ledgerentry/").status_code == 404
    assert client.get(f"/admin/disputes/ledgerentry/{entry.pk}/change/").status_code == 404
    assert client.get("/admin/disputes/screeninground/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == "in_progress"
