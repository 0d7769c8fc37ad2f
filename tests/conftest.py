import os

import pytest
import time_machine

from office import calendar
from office.models import EscalationLevel, Unit
from office.roles import ADMIN, CLERK, COORDINATOR, HANDLER, LEADER, MEDIATOR

from .builders import make_township, make_user, reseed_reference_data
from .clock import ENV, moment, resolve

_session_clock = None


def pytest_configure(config):
    """With TEST_TODAY set, run the whole session as if that day were today (tests/clock.py)."""
    global _session_clock
    day = resolve(os.environ.get(ENV))
    if day is not None:
        _session_clock = time_machine.travel(moment(day), tick=True)
        _session_clock.start()


def pytest_unconfigure(config):
    if _session_clock is not None:
        _session_clock.stop()


def pytest_report_header(config):
    day = resolve(os.environ.get(ENV))
    return f"clock: {ENV}={day.isoformat()} ({day:%A})" if day else f"clock: the real date ({ENV} unset)"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Rolled-back test transactions do not send post_delete; never reuse another test's overrides.
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def reference_data(transactional_db):
    """Bring back what migrations seeded (groups, ladder, categories) after a transactional flush."""
    reseed_reference_data()


@pytest.fixture
def township(db):
    return make_township()


@pytest.fixture
def other_township(db):
    return make_township(name="白石乡", short_name="白石", villages=("白石村",))


@pytest.fixture
def village(township):
    return township.villages.get(name="青溪村")


@pytest.fixture
def other_village(township):
    return township.villages.get(name="柳塘村")


@pytest.fixture
def center(township):
    return township.units.get(kind=Unit.Kind.CENTER)


@pytest.fixture
def justice(township):
    return township.units.get(kind=Unit.Kind.JUSTICE)


@pytest.fixture
def police(township):
    return township.units.get(kind=Unit.Kind.POLICE)


@pytest.fixture
def clerk(township, center):
    return make_user(CLERK, township, unit=center, username="clerk")


@pytest.fixture
def coordinator(township, center):
    return make_user(COORDINATOR, township, unit=center, username="coordinator")


@pytest.fixture
def leader(township, center):
    return make_user(
        LEADER, township, unit=center, username="leader", ladder_level=EscalationLevel.objects.get(rank=5)
    )


@pytest.fixture
def handler(township, justice):
    return make_user(HANDLER, township, unit=justice, username="handler")


@pytest.fixture
def mediator(township, village):
    return make_user(
        MEDIATOR, township, village=village, username="mediator", ladder_level=EscalationLevel.objects.get(rank=1)
    )


@pytest.fixture
def admin_user(township, center):
    return make_user(ADMIN, township, unit=center, username="admin", is_staff=True)


@pytest.fixture
def outsider(other_township):
    """A clerk of another township."""
    return make_user(CLERK, other_township, username="outsider")


@pytest.fixture
def users(clerk, coordinator, leader, handler, mediator, admin_user):
    return {
        CLERK: clerk,
        COORDINATOR: coordinator,
        LEADER: leader,
        HANDLER: handler,
        MEDIATOR: mediator,
        ADMIN: admin_user,
    }
