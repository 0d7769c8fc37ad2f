"""A ledger exported by this system imports into an empty township without a mapping step and gives
the same ledger back (docs/domain.md §8)."""
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from ledgerimport import services
from petitions.exports import export_petition_ledger
from petitions.models import Petition
from tests.builders import ID_NUMBERS, make_township, make_user, petition_in_state, register_petition

pytestmark = pytest.mark.django_db
HANDLER_COLUMN = 14  # 交办/承办人: a person of the other township's staff, not carried over


def data_rows(content):
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in ws.iter_rows(min_row=5, values_only=True)]
    return rows[:-2], rows[-2:]  # the cases; the totals row and the footer


def test_the_petition_ledger_round_trip(users, township):
    from office.roles import COORDINATOR

    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        register_petition(users["clerk"], title="路灯不亮", petitioners=[
            {"name": "李四", "id_number": ID_NUMBERS[1], "phone": "13900001111"},
            {"name": "王五", "phone": "13700001111"}])
        for state in ("archived", "not_accepted", "forwarded", "in_progress", "replied"):
            petition_in_state(users, state)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        source = export_petition_ledger(Petition.objects.filter(township=township), township=township,
                                        period_text="全部", unit_name="综治中心", masked=False).content
        empty = make_township(name="白石乡", short_name="白石")
        clerk = make_user(COORDINATOR, empty, unit=empty.units.first(), username="baishi")
        batch, ledger = services.start(by=clerk, kind="petitions", file_name="信访台账.xlsx", data=source)
        assert not ledger.needs_mapping(), ledger.columns
        preview = ledger.preview()
        assert (preview.accepted, preview.refused) == (6, [])
        services.confirm(batch, by=clerk)
        back = export_petition_ledger(Petition.objects.filter(township=empty), township=empty,
                                      period_text="全部", unit_name="综治中心", masked=False).content
    before, before_tail = data_rows(source)
    after, after_tail = data_rows(back)
    assert before_tail[0] == after_tail[0]  # 合计：6 件
    assert [row[HANDLER_COLUMN] for row in after] == [None] * 6
    for row in before + after:
        row[HANDLER_COLUMN] = None
    assert after == before
