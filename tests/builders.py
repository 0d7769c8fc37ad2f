"""Small builders for test data. Cases reach their states through the real transitions."""
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from office.models import Staff, TimeLimits, Township, Unit, Village
from office.roles import ROLE_GROUPS

PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def make_township(name="青溪镇", short_name="青溪", villages=("青溪村", "柳塘村"), units=None):
    """Create a township with villages and member units (司法所 and 派出所 by default)."""
    code = f"t{next(_seq)}"
    township = Township.objects.create(name=name, short_name=short_name, code=code)
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
