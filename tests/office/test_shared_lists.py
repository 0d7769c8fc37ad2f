"""The lists a township inherits from its county (issue 15, docs/domain.md §10, office/setup.py): content
categories, dispute types, calendar overrides. Two counties on one deployment keep their lists apart."""
import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from disputes.models import DisputeType
from disputes.screening.forms import ReferenceLists
from office import calendar
from office.models import CalendarOverride
from office.roles import ADMIN, CLERK, COUNTY_ADMIN
from office.setup import give_lists_owners, township_list
from petitions.forms import PetitionForm
from petitions.models import ContentCategory, Petition
from petitions.services import decision_due
from tests.builders import make_county_user, make_township, make_user, register_petition, two_counties

pytestmark = pytest.mark.django_db
D = datetime.date


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    county_a, county_b, a1, a2, b1 = two_counties()
    categories = {
        "a": ContentCategory.objects.create(county=county_a, name="清河县的分类", sort_order=90),
        "b": ContentCategory.objects.create(county=county_b, name="白水县的分类", sort_order=90),
        "a2": ContentCategory.objects.create(township=a2, name="石桥乡的分类", sort_order=91),
    }
    return {
        "counties": (county_a, county_b), "townships": (a1, a2, b1), "categories": categories,
        "admin_a": make_county_user(COUNTY_ADMIN, county_a, username="countyadmin_a", is_staff=True),
        "admin_a1": make_user(ADMIN, a1, is_staff=True), "admin_a2": make_user(ADMIN, a2, is_staff=True),
    }


def _names(township):
    return {c.name for c in PetitionForm(township=township).fields["category"].queryset}


def test_a_townships_intake_offers_the_standard_its_countys_and_its_own_categories(world):
    a1, a2, b1 = world["townships"]
    assert {"其他", "清河县的分类", "石桥乡的分类"} <= _names(a2)
    assert "白水县的分类" not in _names(a2)
    assert "清河县的分类" in _names(a1) and "石桥乡的分类" not in _names(a1)
    assert _names(b1) & {"清河县的分类", "石桥乡的分类"} == set() and "白水县的分类" in _names(b1)


def test_a_townships_own_row_replaces_or_hides_the_inherited_one_of_the_same_name(world):
    a1, a2, _b1 = world["townships"]
    ContentCategory.objects.create(township=a2, name="清河县的分类", is_active=False)  # dropped in 石桥乡
    ContentCategory.objects.create(township=a2, name="教育", sort_order=1)  # its own 教育 replaces the standard
    assert "清河县的分类" not in _names(a2) and "清河县的分类" in _names(a1)
    educations = [c for c in township_list(ContentCategory, a2) if c.name == "教育"]
    assert len(educations) == 1 and educations[0].township_id == a2.pk


def test_a_registration_with_another_countys_category_is_refused(world):
    _a1, a2, _b1 = world["townships"]
    form = PetitionForm({"p-category": world["categories"]["b"].pk}, township=a2, prefix="p")
    form.is_valid()
    assert "category" in form.errors


def test_the_county_administrator_sees_and_changes_the_countys_lists_and_never_another_countys(world):
    client = _client(world["admin_a"])
    listing = client.get(reverse("admin:petitions_contentcategory_changelist")).content.decode()
    assert "清河县的分类" in listing and "石桥乡的分类" in listing and "白水县的分类" not in listing
    other = world["categories"]["b"]
    assert client.get(reverse("admin:petitions_contentcategory_change", args=[other.pk])).status_code == 302  # not found
    response = client.post(reverse("admin:petitions_contentcategory_change", args=[other.pk]),
                           {"name": "改名", "sort_order": 1, "is_active": "on", "county": other.county_id})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.name == "白水县的分类"
    # Its own county's row and a township's row: changed.
    for row in (world["categories"]["a"], world["categories"]["a2"]):
        data = {"name": row.name + "（改）", "sort_order": 5, "is_active": "on",
                "county": row.county_id or "", "township": row.township_id or ""}
        assert client.post(reverse("admin:petitions_contentcategory_change", args=[row.pk]), data).status_code == 302
        row.refresh_from_db()
        assert row.name.endswith("（改）")
    # A new entry is the county's (or one of its townships'), never without an owner.
    assert client.post(reverse("admin:petitions_contentcategory_add"),
                       {"name": "无主", "sort_order": 1, "is_active": "on"}).status_code == 200
    assert not ContentCategory.objects.filter(name="无主").exists()
    b1 = world["townships"][2]
    client.post(reverse("admin:petitions_contentcategory_add"),
                {"name": "越界", "sort_order": 1, "is_active": "on", "township": b1.pk})
    assert not ContentCategory.objects.filter(name="越界").exists()
    # The deployment's standard list is read, not changed.
    standard = ContentCategory.objects.get(name="其他", county=None, township=None)
    assert client.get(reverse("admin:petitions_contentcategory_change", args=[standard.pk])).status_code == 200
    assert client.post(reverse("admin:petitions_contentcategory_change", args=[standard.pk]),
                       {"name": "其他2", "sort_order": 1, "is_active": "on"}).status_code == 403


def test_a_township_administrator_changes_only_the_townships_own_rows(world):
    a1, a2, _b1 = world["townships"]
    client = _client(world["admin_a2"])
    listing = client.get(reverse("admin:petitions_contentcategory_changelist")).content.decode()
    assert "清河县的分类" in listing and "石桥乡的分类" in listing and "白水县的分类" not in listing
    county_row, own = world["categories"]["a"], world["categories"]["a2"]
    assert client.post(reverse("admin:petitions_contentcategory_change", args=[county_row.pk]),
                       {"name": "改名", "sort_order": 1, "is_active": "on"}).status_code == 403
    assert client.post(reverse("admin:petitions_contentcategory_change", args=[own.pk]),
                       {"name": "石桥乡的新分类", "sort_order": 1, "is_active": "on"}).status_code == 302
    own.refresh_from_db()
    assert own.name == "石桥乡的新分类" and own.township_id == a2.pk
    # A new entry is the township's own.
    assert client.post(reverse("admin:petitions_contentcategory_add"),
                       {"name": "又一个", "sort_order": 2, "is_active": "on"}).status_code == 302
    assert ContentCategory.objects.get(name="又一个").township_id == a2.pk
    # Another township of the same county: its own rows are not shown to 石桥乡.
    other_admin = _client(world["admin_a1"])
    assert "石桥乡的新分类" not in other_admin.get(reverse("admin:petitions_contentcategory_changelist")).content.decode()
    assert other_admin.get(reverse("admin:petitions_contentcategory_change", args=[own.pk])).status_code == 302


def test_dispute_types_a_township_adds_under_the_countys_category(world):
    county_a, county_b = world["counties"]
    a1, a2, b1 = world["townships"]
    neighbours = DisputeType.objects.create(county=county_a, name="邻里纠纷", sort_order=2)
    DisputeType.objects.create(county=county_a, parent=neighbours, name="噪音纠纷")
    DisputeType.objects.create(township=a2, parent=neighbours, name="养犬纠纷")
    refs = ReferenceLists(a2)
    names = {t.name for t in refs.children[neighbours.pk]}
    assert {"噪音纠纷", "养犬纠纷", "相邻关系纠纷"} <= names  # the standard 邻里纠纷's sub-types come along
    assert "养犬纠纷" not in {t.name for t in ReferenceLists(a1).types.values()}
    assert "噪音纠纷" not in {t.name for t in ReferenceLists(b1).types.values()}
    stray = DisputeType(county=county_b, parent=neighbours, name="越界")
    with pytest.raises(Exception, match="inherits|继承"):
        stray.full_clean()


def test_a_townships_calendar_override_beats_its_countys_for_a_deadline(world):
    a1, a2, b1 = world["townships"]
    county_a = world["counties"][0]
    # 2 Mar 2026 + 15 days = Tue 17 Mar, a working day everywhere by the package.
    assert decision_due(a2, D(2026, 3, 2)) == D(2026, 3, 17)
    CalendarOverride.objects.create(county=county_a, date=D(2026, 3, 17), is_working_day=False)
    CalendarOverride.objects.create(township=a2, date=D(2026, 3, 18), is_working_day=False)
    assert decision_due(a1, D(2026, 3, 2)) == D(2026, 3, 18)  # the county's rest day
    assert decision_due(a2, D(2026, 3, 2)) == D(2026, 3, 19)  # the county's, then its own
    assert decision_due(b1, D(2026, 3, 2)) == D(2026, 3, 17)  # another county: neither
    CalendarOverride.objects.create(township=a2, date=D(2026, 3, 17), is_working_day=True)  # 石桥乡 works
    assert decision_due(a2, D(2026, 3, 2)) == D(2026, 3, 17)
    assert decision_due(a1, D(2026, 3, 2)) == D(2026, 3, 18)
    assert calendar.is_working_day(D(2026, 3, 17), a2) is True


def test_the_migration_gives_each_county_its_list_and_moves_another_countys_cases(world):
    """The data migration's function (office/setup.py ``give_lists_owners``) on a deployment whose lists had no
    owner: the first county keeps the rows, the other county and the township on its own get copies, and their
    cases point to their copies."""
    a1, a2, b1 = world["townships"]
    alone = make_township(name="独立镇", short_name="独立", villages=("独立村",))
    ContentCategory.objects.filter(county__isnull=False).delete()
    ContentCategory.objects.filter(township__isnull=False).delete()
    land = ContentCategory.objects.get(name="房屋宅基地")
    cases = {t: register_petition(make_user(CLERK, t), category=land) for t in (a1, b1, alone)}
    give_lists_owners(apps, "petitions.ContentCategory", [("petitions.Petition", "category", "township")])
    give_lists_owners(apps, "disputes.DisputeType", [("disputes.LedgerEntry", "dispute_type", "township")],
                      parent_field="parent")
    assert not ContentCategory.objects.filter(county__isnull=True, township__isnull=True).exists()
    county_a, county_b = world["counties"]
    for township, (field, owner) in {a1: ("county", county_a), b1: ("county", county_b),
                                     alone: ("township", alone)}.items():
        petition = Petition.objects.get(pk=cases[township].pk)
        assert petition.category.name == "房屋宅基地"
        assert getattr(petition.category, f"{field}_id") == owner.pk
        assert _names(township) >= {"房屋宅基地", "其他"}
    # The county of the first township keeps the rows: its cases did not move; the others' did.
    assert Petition.objects.get(pk=cases[a1].pk).category_id == land.pk
    assert Petition.objects.get(pk=cases[b1].pk).category_id != land.pk
    # Dispute types: each copy's sub-types sit under that owner's own categories.
    for owner in ({"county": county_a}, {"county": county_b}, {"township": alone}):
        subs = DisputeType.objects.filter(parent__isnull=False, **owner).select_related("parent")
        assert subs.count() == DisputeType.objects.filter(parent__isnull=False, county=county_a).count() > 0
        assert all(getattr(s.parent, f"{k}_id") == v.pk for s in subs for k, v in owner.items())
    assert len(ReferenceLists(a2).categories) == len(ReferenceLists(alone).categories) == 15


def test_the_choices_in_one_query_agree_with_the_merged_list(world, django_assert_num_queries):
    from office.setup import choices_queryset

    _a1, a2, _b1 = world["townships"]
    ContentCategory.objects.create(township=a2, name="清河县的分类", is_active=False)
    ContentCategory.objects.create(township=a2, name="教育", sort_order=1)
    merged = {c.pk for c in township_list(ContentCategory, a2) if c.is_active}
    with django_assert_num_queries(1):
        assert {c.pk for c in choices_queryset(ContentCategory, a2)} == merged


def test_the_county_administrator_adds_a_sub_type_under_the_countys_category(world):
    county_a = world["counties"][0]
    category = DisputeType.objects.create(county=county_a, name="邻里纠纷", sort_order=2)
    client = _client(world["admin_a"])
    data = {"name": category.name, "sort_order": 2, "is_active": "on", "county": county_a.pk, "township": "",
            "children-TOTAL_FORMS": 1, "children-INITIAL_FORMS": 0, "children-MIN_NUM_FORMS": 0,
            "children-MAX_NUM_FORMS": 1000, "children-0-name": "噪音纠纷", "children-0-sort_order": 1,
            "children-0-is_active": "on"}
    response = client.post(reverse("admin:disputes_disputetype_change", args=[category.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sub = DisputeType.objects.get(name="噪音纠纷")
    assert (sub.parent, sub.county, sub.township) == (category, county_a, None)
