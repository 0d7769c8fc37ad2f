"""Small builders for test data. Cases reach their states through the real transitions."""
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from office.models import County, Staff, TimeLimits, Township, Unit, Village
from office.roles import ROLE_GROUPS

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def make_township(name="青溪镇", short_name="青溪", villages=("青溪村", "柳塘村"), units=None):
    """Create a township with villages and member units (司法所 and 派出所 by default)."""
    code = f"t{next(_seq)}"
    township = Township.objects.create(name=name, short_name=short_name, code=code,
                                       petition_organ=f"{name}人民政府", review_organ="某某县人民政府")
    TimeLimits.for_township(township)
    for i, village in enumerate(villages):
        Village.objects.create(township=township, name=village, sort_order=i)
    for i, (unit, kind) in enumerate(units or [("综治中心", Unit.Kind.CENTER), ("司法所", Unit.Kind.JUSTICE), ("派出所", Unit.Kind.POLICE)]):
        Unit.objects.create(township=township, name=unit, kind=kind, sort_order=i)
    return township


def make_user(role, township, *, unit=None, village=None, username=None, ladder_level=None, **extra):
    """Create a user with a staff profile and the given role (a key of office.roles)."""
    username = username or f"{role}{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    Staff.objects.create(
        user=user, township=township, unit=unit, village=village, ladder_level=ladder_level
    )
    return user


def make_county_user(role, county, *, username=None, **extra):
    """Create a county's staff member (a county and no township, docs/domain.md §10) with the given role."""
    user = get_user_model().objects.create_user(username=username or f"{role}{county.pk}", password=PASSWORD, **extra)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    Staff.objects.create(user=user, county=county)
    return user


def two_counties():
    """清河县 with 青溪镇 and 石桥乡, 白水县 with 白石乡: (county_a, county_b, a1, a2, b1)."""
    county_a = County.objects.create(name="清河县", short_name="清河", code="qinghe")
    county_b = County.objects.create(name="白水县", short_name="白水", code="baishui")
    a1 = make_township()
    a2 = make_township(name="石桥乡", short_name="石桥", villages=("石桥村",))
    b1 = make_township(name="白石乡", short_name="白石", villages=("白石村",))
    for township, county in ((a1, county_a), (a2, county_a), (b1, county_b)):
        township.county = county
        township.save()
    return county_a, county_b, a1, a2, b1


ID_NUMBERS = [
    "11010519491231002X",
    "110105194912310038",
    "440524198001010013",
    "330106199003071236",
]


def valid_id_number(seed, area="330106"):
    """Return a valid GB 11643 number derived from ``seed`` (for tests needing many people); ``area``: the
    first six digits (another area keeps a test's people apart from every number the builders make)."""
    from stdnum.cn import ric

    body = f"{area}{1960 + seed % 40:04d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def petition_data(**overrides):
    """Registration data as the intake form's cleaned_data would give it."""
    import datetime

    from django.utils import timezone

    from petitions.models import Petition

    data = {
        "channel": Petition.Channel.VISIT,
        "source": Petition.Source.DIRECT,
        "source_organ": "",
        "source_reference": "",
        "source_deadline": None,
        "received_on": timezone.localdate() - datetime.timedelta(days=1),
        "purpose": Petition.Purpose.SEEK_SOLUTION,
        "category": None,
        "title": "宅基地边界纠纷",
        "request": "请求镇里协调确认宅基地边界。",
        "facts": "邻居建房占用了我家宅基地约两米。",
        "place": "青溪村3组",
        "village": None,
        "complained_unit": None,
        "complained_party": "",
        "confidential": False,
        "is_group": False,
        "head_count": None,
    }
    data.update(overrides)
    return data


def register_petition(by, petitioners=None, **overrides):
    """Register a petition through the real service; returns the petition."""
    from petitions import services

    petitioners = petitioners or [{"name": "张三", "phone": "13812345678", "id_number": ID_NUMBERS[0]}]
    petition, _ = services.register_petition(by=by, data=petition_data(**overrides), petitioners=petitioners)
    return petition


def reseed_reference_data():
    """Re-run the project's data migrations (each names its function ``seed``; all idempotent).

    A transactional test flushes the tables, including the groups and the ladder that
    migrations created; the journeys need them back.
    """
    import importlib
    import pkgutil

    from django.apps import apps

    for app in ("office", "petitions", "disputes", "reports", "ledgerimport"):
        package = importlib.import_module(f"{app}.migrations")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{app}.migrations.{info.name}")
            if hasattr(module, "seed"):
                module.seed(apps, None)


REPLY = {
    "request_summary": "请求协调确认宅基地边界。",
    "facts": "经实地测量，邻居新建房屋越界1.2米。",
    "finding": "support",
    "legal_basis": "《中华人民共和国土地管理法》第六十二条。",
}

# The path a case takes through the workflow, and the role that takes each step.
PATH = [
    "registered", "decision_review", "accepted", "assigned", "in_progress", "reply_review",
    "reply_approved", "replied", "evaluated", "visited", "archived",
]


def advance(petition, users, to_state, *, decision="accept"):
    """Move a case along the workflow's main path (or to not accepted / forwarded) using real transitions."""
    from django.utils import timezone

    from petitions import workflow

    today = timezone.localdate()
    state = petition.status
    steps = {
        "registered": lambda p: workflow.propose_decision(
            p, by=users["clerk"], decision=decision, reasons="符合受理条件" if decision == "accept" else "不属本级职权",
            lawful_channel="向人民法院提起诉讼" if decision == "not_accept" else "",
            forward_to="县自然资源和规划局" if decision == "forward" else "",
        ),
        "decision_review": lambda p: workflow.approve_decision(p, by=users["leader"]),
        "accepted": lambda p: workflow.assign_petition(
            p, by=users["leader"], instruction="请司法所牵头调查处理。", lead_leader=users["leader"],
            unit=users["handler"].staff.unit, handler=users["handler"],
        ),
        "assigned": lambda p: workflow.sign_for_petition(p, by=users["handler"]),
        "in_progress": lambda p: workflow.submit_reply(p, by=users["handler"], **REPLY),
        "reply_review": lambda p: workflow.approve_reply(p, by=users["leader"]),
        "reply_approved": lambda p: workflow.serve_reply(p, by=users["clerk"], served_on=today, method="in_person"),
        "replied": lambda p: workflow.record_opinion(p, by=users["clerk"], opinion="satisfied", opinion_on=today),
        "evaluated": lambda p: workflow.record_return_visit(
            p, by=users["coordinator"], visited_on=today, method="phone", reached=True, result="已履行，当事人满意。",
            satisfaction="satisfied",
        ),
        "visited": lambda p: workflow.archive_petition(p, by=users["clerk"]),
        "not_accepted": lambda p: workflow.archive_petition(p, by=users["clerk"]),
        "forwarded": lambda p: workflow.archive_petition(p, by=users["clerk"]),
    }
    guard = 0
    while state != to_state:
        steps[state](petition)
        petition.refresh_from_db()
        state = petition.status
        guard += 1
        assert guard < 20, f"cannot reach {to_state}"
    return petition


def petition_in_state(users, state, **overrides):
    """Register a case and take it to ``state`` through the real transitions."""
    petition = register_petition(users["clerk"], **overrides)
    if state in ("not_accepted", "forwarded"):
        decision = {"not_accepted": "not_accept", "forwarded": "forward"}[state]
        return advance(petition, users, state, decision=decision)
    return advance(petition, users, state)
