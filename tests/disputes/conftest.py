import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# A Wednesday in ISO week 48 of 2026 (Monday 2026-11-23 to Sunday 2026-11-29).
NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_now():
    """Screening is all about periods and deadlines: every test here starts on the same Wednesday."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
