"""A ledger exported by this system imports into an empty township without a mapping step and gives
the same ledger back (docs/domain.md §9)."""
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from ledgerimport import services
from ledgerimport.kinds import has_resolution
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


def _empty_township():
    from office.roles import COORDINATOR

    empty = make_township(name="白石乡", short_name="白石")
    return empty, make_user(COORDINATOR, empty, unit=empty.units.first(), username="baishi")


def _import_without_mapping(user, kind, data, count):
    batch, ledger = services.start(by=user, kind=kind, file_name="台账.xlsx", data=data)
    assert not ledger.needs_mapping(), ledger.columns
    preview = ledger.preview()
    assert (preview.accepted, preview.refused) == (count, [])
    return services.confirm(batch, by=user)


def test_the_screening_ledger_round_trip(township, mediator, coordinator):
    from disputes.models import LedgerEntry
    from disputes.screening import workflow
    from disputes.screening.exports import export_ledger
    from disputes.screening.services import PartyData
    from tests.disputes.builders import entry_data, file_round, risk

    def export(where):
        return export_ledger(LedgerEntry.objects.filter(township=where).order_by("found_on", "pk"), township=where,
                             period_text="全部", unit_name="综治中心", masked=False).content

    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        village_round = file_round(mediator, entries=[
            entry_data(title="张三与李四宅基地界址纠纷", parties=[
                PartyData(name="张三", id_number=ID_NUMBERS[0], phone="13812345678", address="青溪村3组12号"),
                PartyData(name="李四", phone="13912345678")]),
            entry_data(title="拖欠工资纠纷", head_count=12, may_become_group=True, risk_level=risk("yellow"),
                       measures="包案领导约谈老板", responsible_person="王丽", lead_official="李镇长"),
            entry_data(title="酒后斗殴隐患", may_turn_criminal=True, risk_level=risk("red")),
            entry_data(title="邻里噪音"),
        ])
        center_round = file_round(coordinator, entries=[entry_data(title="征地补偿款分配纠纷", parties=[
            PartyData(name="孙七", id_number=ID_NUMBERS[1])])])
        first, wages, fight, noise = village_round.found_entries.order_by("pk")
        how = {"how": "mediated"} if has_resolution() else {}  # 化解方式, where entries record it
        workflow.resolve_entry(first, by=mediator, note="双方重新确认界址", **how)
        workflow.mark_entry_unresolved(wages, by=mediator, note="老板失联")
        workflow.transfer_entry_to_police(fight, by=coordinator, unit=township.units.get(kind="police"), note="移交")
        workflow.refer_entry_to_meeting(noise, by=coordinator, note="提交专题会议")
        workflow.request_mediation(noise, by=mediator, note="申请调解")
        assert center_round.found_entries.count() == 1
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        source = export(township)
        empty, clerk = _empty_township()
        _import_without_mapping(clerk, "screening", source, 5)
        back = export(empty)
    before, before_tail = data_rows(source)
    after, after_tail = data_rows(back)
    assert before_tail[0] == after_tail[0]
    assert after == before


def test_the_mediation_ledger_round_trip(township, mediator, coordinator):
    from disputes.mediation import workflow
    from disputes.mediation.exports import export_mediation_ledger
    from disputes.models import MediationCase
    from tests.disputes.mediation.builders import case_in, register

    def export(where):
        return export_mediation_ledger(MediationCase.objects.filter(township=where), township=where,
                                       period_text="全部", unit_name="综治中心", masked=False).content

    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        register(mediator)
        register(mediator, by=coordinator, village=None, title="征地补偿款分配", case_class=3,
                 procedure=MediationCase.Procedure.SIMPLE, source=MediationCase.Source.INITIATIVE)
        case_in(mediator, MediationCase.Status.AGREED)
        performing = case_in(mediator, MediationCase.Status.PERFORMING)
        workflow.apply_confirmation(performing, by=mediator, applied_on=datetime.date(2026, 3, 2), court="青溪县人民法院")
        case_in(mediator, MediationCase.Status.ARCHIVED)
        case_in(mediator, MediationCase.Status.PERFORMING, form="oral")
        case_in(mediator, MediationCase.Status.TERMINATED)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        source = export(township)
        empty, clerk = _empty_township()
        _import_without_mapping(clerk, "mediation", source, 7)
        back = export(empty)
    before, before_tail = data_rows(source)
    after, after_tail = data_rows(back)
    assert before_tail[0] == after_tail[0]
    committee = 3  # the township's own committee is named after the township
    for row in after:
        row[committee] = row[committee].replace("白石乡", "青溪镇")
    assert after == before
