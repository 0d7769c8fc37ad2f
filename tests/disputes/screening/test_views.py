"""The pages: rights, POST-only changes, the filing form's bad input, and the routing actions."""
import datetime

import pytest
from django.contrib.messages import get_messages

from disputes.models import EntryEvent, LedgerEntry, ScreeningRound
from office.models import AccessLog

from ..builders import dispute_type, file_round, found_entry, risk

pytestmark = pytest.mark.django_db
Status = LedgerEntry.Status

PAGES = [
    "/disputes/",
    "/disputes/rounds/",
    "/disputes/rounds/new/",
    "/disputes/compliance/",
    "/disputes/brief/",
    "/disputes/brief/pdf/",
    "/disputes/export/",
    "/disputes/campaigns/new/",
]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def entry_post(prefix="entries-0", **overrides):
    """The fields of one filled-in entry form."""
    values = {
        "title": "王某与赵某相邻通行纠纷",
        "dispute_type": str(dispute_type("相邻关系纠纷").pk),
        "risk_level": str(risk("yellow").pk),
        "head_count": "2",
        "place": "青溪村5组",
        "facts": "赵某在通道堆放杂物，王某出行受阻。",
        "measures": "上门劝导",
        "party1_name": "王五",
        "party1_id_number": "11010519491231002X",
        "party1_phone": "13812345678",
        "party2_name": "赵六",
    }
    values.update(overrides)
    return {f"{prefix}-{k}": v for k, v in values.items()}


def filing_post(*entries, zero=False, confirmed=True, carry=(), period=None, **extra):
    data = {
        "entries-TOTAL_FORMS": str(max(1, len(entries))),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
        "carry-TOTAL_FORMS": str(len(carry)),
        "carry-INITIAL_FORMS": str(len(carry)),
        "carry-MIN_NUM_FORMS": "0",
        "carry-MAX_NUM_FORMS": "1000",
        "note": "",
    }
    if not entries:
        # The blank entry form as a browser sends it: only its defaults.
        data.update({"entries-0-head_count": "2", "entries-0-risk_level": str(risk("green").pk)})
    for index, entry in enumerate(entries):
        data.update({k.replace("entries-0", f"entries-{index}"): v for k, v in entry.items()})
    for index, (entry_id, outcome, note, *how) in enumerate(carry):
        data.update({f"carry-{index}-entry": str(entry_id), f"carry-{index}-outcome": outcome, f"carry-{index}-note": note,
                     f"carry-{index}-how": how[0] if how else ""})
    if zero:
        data["zero_report"] = "1"
        if confirmed:
            data["zero_confirmed"] = "1"
    if period:
        data["period"] = period
    data.update(extra)
    return data


def test_roles_outside_the_section_get_403(client, clerk):
    client.force_login(clerk)
    for url in PAGES:
        assert client.get(url).status_code == 403, url


def test_a_read_only_role_sees_the_ledger_but_changes_nothing(client, handler, mediator):
    entry = found_entry(mediator)
    client.force_login(handler)
    assert client.get("/disputes/").status_code == 200
    assert client.get(f"/disputes/entries/{entry.pk}/").status_code == 200
    for url in ["/disputes/rounds/new/", "/disputes/compliance/", "/disputes/brief/", "/disputes/export/"]:
        assert client.get(url).status_code == 403, url
    for action in ["resolve", "unresolved", "transfer", "meeting", "mediation", "edit", "parties/add"]:
        url = f"/disputes/entries/{entry.pk}/{action}/"
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"note": "x"}).status_code == 403, url
    entry.refresh_from_db()
    assert entry.status == Status.IN_PROGRESS and entry.events.count() == 1


def test_actions_change_nothing_on_get(client, coordinator, mediator):
    entry = found_entry(mediator)
    client.force_login(coordinator)
    for action in ["resolve", "unresolved", "transfer", "meeting", "mediation"]:
        response = client.get(f"/disputes/entries/{entry.pk}/{action}/")
        assert response.status_code == 200
        assert b'method="post"' in response.content
    entry.refresh_from_db()
    assert entry.status == Status.IN_PROGRESS and entry.events.count() == 1
    assert client.get("/disputes/rounds/new/").status_code == 200
    assert ScreeningRound.objects.count() == 1


def test_the_mediator_files_a_zero_report_after_one_confirmation(client, mediator):
    client.force_login(mediator)
    page = client.get("/disputes/rounds/new/")
    assert page.context["period"].key == "week:2026-11-23"
    asked = client.post("/disputes/rounds/new/", filing_post(zero=True, confirmed=False, period="week:2026-11-23"))
    assert asked.status_code == 200 and asked.context["confirm_zero"] and not ScreeningRound.objects.exists()
    assert "确认" in asked.content.decode() or "是，报送零报告" in asked.content.decode()
    response = client.post("/disputes/rounds/new/", filing_post(zero=True, period="week:2026-11-23"))
    screening_round = ScreeningRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disputes/rounds/{screening_round.pk}/"
    assert screening_round.zero_report and screening_round.filed_by == mediator
    assert "零报告" in messages_of(response)[0]


def test_the_mediator_files_two_entries(client, mediator):
    client.force_login(mediator)
    second = entry_post(title="孙某赡养纠纷", dispute_type=str(dispute_type("赡养纠纷").pk), party1_id_number="", party2_name="")
    response = client.post("/disputes/rounds/new/", filing_post(entry_post(), second))
    assert response.status_code == 302
    titles = set(LedgerEntry.objects.values_list("title", flat=True))
    assert titles == {"王某与赵某相邻通行纠纷", "孙某赡养纠纷"}
    entry = LedgerEntry.objects.get(title="王某与赵某相邻通行纠纷")
    assert entry.risk_level.code == "yellow" and entry.party_links.count() == 2


def test_a_second_round_for_the_period_is_told_it_exists_with_a_link(client, mediator):
    existing = file_round(mediator, zero=True)
    client.force_login(mediator)
    page = client.get("/disputes/rounds/new/")
    assert page.context["existing"] == existing
    assert f'href="/disputes/rounds/{existing.pk}/"'.encode() in page.content
    response = client.post("/disputes/rounds/new/", filing_post(entry_post()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "本期排查情况已经报送过了" in html and f'/disputes/rounds/{existing.pk}/' in html
    assert ScreeningRound.objects.count() == 1 and not LedgerEntry.objects.exists()


def test_a_future_period_is_refused(client, mediator):
    client.force_login(mediator)
    response = client.post("/disputes/rounds/new/", filing_post(zero=True, period="week:2026-11-30"))
    assert response.status_code == 200
    assert "不能提前报送" in response.content.decode()
    assert not ScreeningRound.objects.exists()
    assert "不能提前报送" in client.get("/disputes/rounds/new/?period=week:2026-11-30").content.decode()


@pytest.mark.parametrize("key", ["week:2026-11-25", "fortnight:2026-11-16", "campaign:x", "campaign:999", "nonsense"])
def test_a_period_that_is_no_period_of_the_unit_is_refused(client, mediator, key):
    client.force_login(mediator)
    response = client.post("/disputes/rounds/new/", filing_post(zero=True, period=key))
    assert response.status_code == 302 and response["Location"] == "/disputes/rounds/new/"
    assert not ScreeningRound.objects.exists()


def test_neither_zero_report_nor_entries_is_refused_with_a_message(client, mediator):
    client.force_login(mediator)
    response = client.post("/disputes/rounds/new/", filing_post())
    assert response.status_code == 200
    assert "请填写本期排查出的纠纷，或报送零报告" in response.content.decode()
    assert not ScreeningRound.objects.exists()


def test_an_entry_with_no_type_or_risk_shows_field_errors(client, mediator):
    client.force_login(mediator)
    data = filing_post(entry_post(dispute_type=""))
    del data["entries-0-risk_level"]
    response = client.post("/disputes/rounds/new/", data)
    assert response.status_code == 200
    errors = response.context["entry_forms"].forms[0].errors
    assert set(errors) == {"dispute_type", "risk_level"}
    assert "这个字段是必填项" in errors["dispute_type"][0]
    assert not ScreeningRound.objects.exists()


def test_a_bad_id_number_is_a_field_error(client, mediator):
    client.force_login(mediator)
    response = client.post("/disputes/rounds/new/", filing_post(entry_post(party1_id_number="110105194912310021")))
    assert "party1_id_number" in response.context["entry_forms"].forms[0].errors
    assert not ScreeningRound.objects.exists()


def test_a_mediator_filing_for_another_village_gets_403(client, mediator, other_village):
    client.force_login(mediator)
    data = filing_post(zero=True, village=str(other_village.pk))
    assert client.post("/disputes/rounds/new/", data).status_code == 403
    assert client.get(f"/disputes/rounds/new/?village={other_village.pk}").status_code == 403
    assert not ScreeningRound.objects.exists()


def test_carried_over_entries_are_resolved_on_the_filing_page(client, mediator, frozen_now):
    frozen_now.move_to(datetime.datetime(2026, 11, 18, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    entry = found_entry(mediator)
    frozen_now.move_to(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    client.force_login(mediator)
    page = client.get("/disputes/rounds/new/")
    assert [form.ledger_entry for form in page.context["carry_forms"].forms] == [entry]
    # Resolved needs a note.
    response = client.post("/disputes/rounds/new/", filing_post(zero=True, carry=[(entry.pk, "resolved", "")]))
    assert "note" in response.context["carry_forms"].forms[0].errors
    # ... and how it was resolved (参调率 counts a dispute resolved by mediation).
    response = client.post("/disputes/rounds/new/", filing_post(zero=True, carry=[(entry.pk, "resolved", "已赔偿")]))
    assert "how" in response.context["carry_forms"].forms[0].errors
    response = client.post("/disputes/rounds/new/", filing_post(zero=True, carry=[(entry.pk, "resolved", "已赔偿", "mediated")]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.RESOLVED and entry.outcome == "已赔偿"
    assert entry.resolution == LedgerEntry.Resolution.MEDIATED
    screening_round = ScreeningRound.objects.get(starts_on=datetime.date(2026, 11, 23))
    assert screening_round.items.get().status == Status.RESOLVED


def test_each_routing_action_is_a_post_recorded_in_timeline_and_history(client, coordinator, mediator, police):
    entry = found_entry(mediator)
    client.force_login(coordinator)
    response = client.post(f"/disputes/entries/{entry.pk}/mediation/", {"note": "转村调委会调解"})
    assert response.status_code == 302
    response = client.post(f"/disputes/entries/{entry.pk}/meeting/", {"note": "涉及多户"})
    assert response.status_code == 302
    response = client.post(f"/disputes/entries/{entry.pk}/transfer/", {"unit": str(police.pk), "note": "涉嫌伤害"})
    assert response.status_code == 302
    response = client.post(f"/disputes/entries/{entry.pk}/resolve/", {"note": "派出所处理完毕", "how": "other"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.RESOLVED and entry.transferred_to == police and entry.resolution == "other"
    actions = list(entry.events.values_list("action", flat=True))
    assert actions == [
        EntryEvent.Action.FOUND,
        EntryEvent.Action.MEDIATION_REQUESTED,
        EntryEvent.Action.MEETING,
        EntryEvent.Action.TRANSFERRED,
        EntryEvent.Action.RESOLVED,
    ]
    assert entry.history.count() == 5
    page = client.get(f"/disputes/entries/{entry.pk}/").content.decode()
    for text in ["申请人民调解", "提交镇专题会议", "移交", "派出所处理完毕"]:
        assert text in page


def test_a_refused_move_is_shown_as_an_error(client, coordinator, mediator):
    entry = found_entry(mediator)
    client.force_login(coordinator)
    client.post(f"/disputes/entries/{entry.pk}/meeting/", {"note": "一"})
    response = client.post(f"/disputes/entries/{entry.pk}/meeting/", {"note": "二"}, follow=True)
    assert any("已于" in m for m in messages_of(response))
    assert entry.events.filter(action=EntryEvent.Action.MEETING).count() == 1


def test_a_missing_note_is_a_field_error(client, mediator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    response = client.post(f"/disputes/entries/{entry.pk}/resolve/", {"note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors


def test_editing_an_entry_records_what_changed(client, mediator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    data = {
        "title": entry.title,
        "dispute_type": str(entry.dispute_type_id),
        "risk_level": str(risk("red").pk),
        "head_count": "2",
        "place": entry.place,
        "facts": entry.facts,
        "measures": "派专人盯守",
        "responsible_person": "",
        "lead_official": "张建国",
        "deadline": "2026-12-10",
        "note": "情况升级",
    }
    assert client.post(f"/disputes/entries/{entry.pk}/edit/", data).status_code == 302
    entry.refresh_from_db()
    assert (entry.risk_level.code, entry.measures, entry.deadline) == ("red", "派专人盯守", datetime.date(2026, 12, 10))
    event = entry.events.get(action=EntryEvent.Action.EDITED)
    assert "风险等级" in event.note and "情况升级" in event.note
    history = client.get(f"/disputes/entries/{entry.pk}/").context["history"]
    assert ("风险等级", "一般", "重大") in [(str(a), b, c) for a, b, c in history[0]["changes"]]


def test_adding_a_party(client, mediator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    response = client.post(f"/disputes/entries/{entry.pk}/parties/add/", {"name": "钱七", "phone": "13900001111"})
    assert response.status_code == 302
    assert [link.person.name for link in entry.party_links.all()][-1] == "钱七"
    assert entry.events.filter(action=EntryEvent.Action.PARTY_ADDED).exists()


def test_personal_data_is_masked_until_shown_and_showing_is_logged(client, mediator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    page = client.get(f"/disputes/entries/{entry.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert not AccessLog.objects.exists()
    page = client.post(f"/disputes/entries/{entry.pk}/personal-data/").content.decode()
    assert "13812345678" in page
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.target) == (mediator, AccessLog.Action.SHOW_PERSONAL, f"disputes.ledgerentry:{entry.pk}")


def test_personal_data_stays_masked_for_roles_without_the_right(client, handler, mediator):
    entry = found_entry(mediator)
    client.force_login(handler)
    page = client.post(f"/disputes/entries/{entry.pk}/personal-data/").content.decode()
    assert "13812345678" not in page and not AccessLog.objects.exists()


def test_a_get_reveals_no_personal_data_and_logs_nothing(client, mediator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    page = client.get(f"/disputes/entries/{entry.pk}/?personal=1").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert client.get(f"/disputes/entries/{entry.pk}/personal-data/").status_code == 405
    assert not AccessLog.objects.exists()


def test_showing_is_logged_like_a_petition(client, mediator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    client.post(f"/disputes/entries/{entry.pk}/personal-data/")
    people = [link.person_id for link in entry.party_links.all()]
    assert AccessLog.objects.get().detail == {"ledger_entry": entry.pk, "people": people}


def test_the_coordinator_announces_a_campaign_and_villages_file_it(client, coordinator, mediator):
    client.force_login(coordinator)
    response = client.post(
        "/disputes/campaigns/new/", {"name": "元旦前集中排查", "starts_on": "2026-11-20", "ends_on": "2026-12-05"}
    )
    assert response.status_code == 302
    client.force_login(mediator)
    page = client.get("/disputes/rounds/new/")
    keys = [period.key for period, _filed in page.context["options"]]
    campaign_key = next(key for key in keys if key.startswith("campaign:"))
    client.post("/disputes/rounds/new/", filing_post(zero=True, period=campaign_key))
    assert ScreeningRound.objects.get().campaign.name == "元旦前集中排查"
    client.force_login(coordinator)
    board = client.get("/disputes/compliance/").context["villages"]
    assert any(p.key == campaign_key for p in board["periods"])


def test_the_ledger_filters(client, coordinator, mediator):
    green = found_entry(mediator)
    red = found_entry(
        mediator, day=datetime.date(2026, 11, 16), risk_level=risk("red"), may_become_group=True,
        dispute_type=dispute_type("征地补偿纠纷"), title="征地补偿款分配纠纷",
    )
    client.force_login(coordinator)

    def listed(query):
        return list(client.get("/disputes/?" + query).context["page"].object_list)

    assert listed(f"risk={risk('red').pk}") == [red]
    assert listed("flag=group") == [red]
    assert listed(f"type=c{dispute_type('征地补偿纠纷').parent_id}") == [red]
    assert listed(f"type=t{dispute_type().pk}") == [green]
    assert listed("q=征地补偿款") == [red]
    assert listed(f"q={green.party_links.first().person.name}") == [green]
    assert listed("status=in_progress&sort=risk") == [green, red]
    assert listed("found_to=2026-11-22") == [red]
    assert listed("month=2026-11") == [green, red]
    assert listed("month=2026-10") == []
    assert listed("overdue=on") == []
    assert listed(f"unit={mediator.staff.village_id}") == [green, red]
    assert listed("unit=township") == []


def test_the_filer_withdraws_a_zero_report_until_the_deadline_and_it_stays_in_history(client, mediator, frozen_now):
    client.force_login(mediator)
    client.post("/disputes/rounds/new/", filing_post(zero=True, period="week:2026-11-23"))
    zero = ScreeningRound.objects.get()
    assert 'data-testid="withdraw-zero-report"' in client.get(f"/disputes/rounds/{zero.pk}/").content.decode()
    response = client.post(f"/disputes/rounds/{zero.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == "/disputes/rounds/new/?period=week%3A2026-11-23"
    assert not ScreeningRound.objects.exists()
    deleted = ScreeningRound.history.get(history_type="-")
    assert deleted.history_user == mediator and deleted.history_change_reason == "零报告已由报送人撤回"
    # Filed again; once the deadline (the Monday after the week, plus a day) has passed it stands.
    client.post("/disputes/rounds/new/", filing_post(zero=True, period="week:2026-11-23"))
    again = ScreeningRound.objects.get()
    frozen_now.move_to(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    assert again.due_on == datetime.date(2026, 11, 30)
    client.force_login(mediator)  # a new day's session
    assert 'withdraw-zero-report' not in client.get(f"/disputes/rounds/{again.pk}/").content.decode()
    response = client.post(f"/disputes/rounds/{again.pk}/withdraw/", follow=True)
    assert ScreeningRound.objects.filter(pk=again.pk).exists()
    assert "截止日期（2026-11-30）已过" in response.content.decode()


def test_only_the_filer_may_withdraw_a_zero_report(client, mediator, coordinator):
    zero = file_round(mediator, zero=True)
    client.force_login(coordinator)
    assert client.post(f"/disputes/rounds/{zero.pk}/withdraw/").status_code in (302, 403)
    assert ScreeningRound.objects.filter(pk=zero.pk).exists()
