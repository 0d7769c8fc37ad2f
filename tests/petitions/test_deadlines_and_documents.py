"""Legal clocks across holidays, and the documents each step issues."""
import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from office.documents import documents_of
from petitions import workflow
from petitions.models import Petition
from tests.builders import REPLY, advance, register_petition

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
                               tick=False)


def pdf_text(document):
    reader = PdfReader(BytesIO(document.file.open("rb").read()))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    return text.replace(" ", "").replace("\n", ""), fonts, len(reader.pages)


def test_decision_limit_across_the_spring_festival(users):
    with at(D(2026, 2, 5)):
        petition = register_petition(users["clerk"], received_on=D(2026, 2, 5))
    assert petition.decision_due_on == D(2026, 2, 24)


def test_handling_limit_ending_on_national_day_moves_to_the_first_working_day(users):
    with at(D(2026, 8, 1)):
        petition = register_petition(users["clerk"], received_on=D(2026, 8, 1))
        workflow.propose_decision(petition, by=users["clerk"], decision="accept", reasons="符合")
    with at(D(2026, 8, 2)):
        workflow.approve_decision(petition, by=users["leader"])
    petition.refresh_from_db()
    assert petition.accepted_on == D(2026, 8, 2)
    assert petition.handling_due_on == D(2026, 10, 8)  # 1 Oct + the holiday to 7 Oct


def test_unit_return_limit_counts_working_days_including_a_make_up_saturday(users):
    with at(D(2026, 2, 5)):
        petition = register_petition(users["clerk"], received_on=D(2026, 2, 5))
        workflow.propose_decision(petition, by=users["clerk"], decision="accept", reasons="符合")
        workflow.approve_decision(petition, by=users["leader"])
    with at(D(2026, 2, 10)):
        workflow.assign_petition(petition, by=users["leader"], instruction="请办理", lead_leader=users["leader"],
                                 unit=users["handler"].staff.unit)
    petition.refresh_from_db()
    # Wed 11, Thu 12, Fri 13, make-up Sat 14 are working; 15–23 Feb is the holiday; Tue 24 is the 5th.
    assert petition.return_due_on == D(2026, 2, 24)
    assert petition.due_on == D(2026, 2, 24)
    with at(D(2026, 2, 25)):
        workflow.return_referral(petition, by=users["handler"], reason="不属本单位职责")
    event = petition.events.get(action="return_referral")
    assert "逾期退回" in event.note  # allowed, and flagged


def test_extension_moves_the_limit_once_and_issues_the_notice(users):
    petition = advance(register_petition(users["clerk"]), users, "in_progress")
    old_due = petition.handling_due_on
    workflow.request_extension(petition, by=users["handler"], days=30, reason="需要委托司法鉴定")
    workflow.approve_extension(petition, by=users["leader"])
    petition.refresh_from_db()
    assert petition.handling_due_on >= old_due + datetime.timedelta(days=30)
    notice = documents_of(petition).get(kind="extension_notice")
    text, fonts, _pages = pdf_text(notice)
    assert "延期" in text and "需要委托司法鉴定" in text and "30日" in text
    assert any("CJK" in f for f in fonts)


@pytest.mark.parametrize(
    "decision, kind, required",
    [
        ("accept", "acceptance_notice", ["受理告知书", "予以受理", "六十日"]),
        ("not_accept", "non_acceptance_notice", ["不予受理告知书", "向人民法院提起诉讼", "不予受理"]),
        ("forward", "forward_notice", ["转送告知书", "县自然资源和规划局"]),
    ],
)
def test_decision_notices_contain_what_they_must(users, decision, kind, required):
    petition = register_petition(users["clerk"])
    state = {"accept": "accepted", "not_accept": "not_accepted", "forward": "forwarded"}[decision]
    advance(petition, users, state, decision=decision)
    document = documents_of(petition).get(kind=kind)
    text, fonts, _pages = pdf_text(document)
    for words in required + [petition.number, "张三", "青溪镇"]:
        assert words in text, words
    assert any("CJK" in f for f in fonts)
    assert len(document.sha256) == 64


def test_the_reply_contains_request_facts_opinion_basis_and_review_right(users):
    petition = advance(register_petition(users["clerk"]), users, "replied")
    text, fonts, _pages = pdf_text(documents_of(petition).get(kind="reply"))
    for words in ["信访事项处理意见书", "予以支持", "土地管理法", "复查", "30日", REPLY["facts"][:10]]:
        assert words in text, words
    assert any("CJK" in f for f in fonts)


def test_a_served_document_does_not_change_when_the_template_changes(users, settings, tmp_path):
    petition = advance(register_petition(users["clerk"]), users, "accepted")
    document = documents_of(petition).get()
    before = document.file.open("rb").read()
    override = tmp_path / "pdf"
    override.mkdir()
    (override / "petition_acceptance.html").write_text("<p>changed template</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path] + list(settings.TEMPLATES[0]["DIRS"])}]
    from office.documents import read_document

    assert read_document(document) == before


def test_the_dossier_has_a_contents_page_and_every_document(users):
    petition = advance(register_petition(users["clerk"]), users, "archived")
    dossier = documents_of(petition).get(kind="dossier")
    text, fonts, pages = pdf_text(dossier)
    for words in ["信访事项卷宗", "卷内目录", "信访事项登记表", "受理告知书", "信访事项处理意见书", "办理过程记录"]:
        assert words in text, words
    assert pages == dossier.pages >= 6
    assert any("CJK" in f for f in fonts)


def test_dissatisfied_opinion_opens_the_review_window_and_schedules_the_visit_by_class(users):
    petition = register_petition(users["clerk"])
    workflow.propose_decision(petition, by=users["clerk"], decision="accept", reasons="符合", case_class=3)
    petition.refresh_from_db()
    advance(petition, users, "replied")
    petition.refresh_from_db()
    workflow.record_opinion(petition, by=users["clerk"], opinion="dissatisfied", opinion_on=petition.replied_on)
    petition.refresh_from_db()
    assert petition.review_due_on >= petition.replied_on + datetime.timedelta(days=30)
    visit = petition.return_visits.get()
    assert visit.due_on >= petition.replied_on + datetime.timedelta(days=180)  # class 3: six months
    assert petition.due_on == visit.due_on


def test_no_opinion_can_be_closed_only_after_the_window(users):
    petition = advance(register_petition(users["clerk"]), users, "replied")
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.close_evaluation(petition, by=users["clerk"])
    with time_machine.travel(petition.evaluation_due_on + datetime.timedelta(days=1), tick=False):
        workflow.close_evaluation(petition, by=users["clerk"])
    petition.refresh_from_db()
    assert petition.opinion == Petition.Opinion.NONE and petition.status == Petition.Status.EVALUATED
