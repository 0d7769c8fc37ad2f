"""Deadlines set by the organ that assigned the case, the report-back, the fixed review right, document
numbers and the numbered dossier (docs/domain.md §2.2, §6)."""
import datetime
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from office.documents import documents_of, read_document
from office.models import DocumentSeries, IssuedDocument
from petitions import selectors, workflow
from petitions.models import Petition
from petitions.workflow import TransitionNotAllowed
from reports.reminders import collect
from tests.builders import REPLY, advance, register_petition

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
                               tick=False)


def pages_text(data):
    return [page.extract_text().replace(" ", "").replace("\n", "") for page in PdfReader(BytesIO(data)).pages]


ASSIGNED = {"source": "assigned", "source_organ": "县信访局", "source_reference": "县信交〔2026〕8号"}


def test_an_assigned_case_is_due_on_the_organs_deadline_when_it_is_earlier(users):
    with at(D(2026, 9, 28)):
        petition = register_petition(users["clerk"], received_on=D(2026, 9, 28), source_deadline=D(2026, 11, 20),
                                     **ASSIGNED)
        advance(petition, users, "in_progress")
    petition.refresh_from_db()
    assert petition.legal_due_on > D(2026, 11, 20)  # 60 days from acceptance
    assert petition.handling_due_on == petition.due_on == D(2026, 11, 20)
    clerk_sees = users["coordinator"]
    with at(D(2026, 11, 23)):
        overdue = selectors.queue_petitions(clerk_sees, "overdue", D(2026, 11, 23), 3)
        assert petition in overdue
        texts = [text for reminder in collect(D(2026, 11, 23)) for text, _url in reminder.items]
        assert any(petition.number in text and "3" in text for text in texts)


def test_the_legal_limit_still_counts_when_the_organ_allows_longer(users):
    with at(D(2026, 9, 28)):
        petition = register_petition(users["clerk"], received_on=D(2026, 9, 28), source_deadline=D(2027, 3, 1),
                                     **ASSIGNED)
        advance(petition, users, "accepted")
    petition.refresh_from_db()
    assert petition.handling_due_on == petition.legal_due_on < D(2027, 3, 1)


def _to_visited(users, **extra):
    with at(D(2026, 9, 28)):
        petition = register_petition(users["clerk"], received_on=D(2026, 9, 28), source_deadline=D(2026, 11, 20),
                                     **ASSIGNED, **extra)
        advance(petition, users, "visited")
    petition.refresh_from_db()
    return petition


def test_archiving_an_assigned_case_needs_the_report_back_then_issues_the_report(users):
    petition = _to_visited(users)
    before = petition.events.count()
    with pytest.raises(TransitionNotAllowed, match="上报办理结果"):
        workflow.archive_petition(petition, by=users["clerk"])
    petition.refresh_from_db()
    assert petition.status == "visited" and petition.events.count() == before
    # The report-back is overdue against the organ's deadline until it is made.
    assert petition.due_on == D(2026, 11, 20)
    with at(D(2026, 9, 28)):
        workflow.report_back(petition, by=users["clerk"], reported_on=D(2026, 9, 28), method="document",
                             summary="已实地核实并答复，信访人满意。")
        petition.refresh_from_db()
        report = documents_of(petition).get(kind="report_back")
        text = "".join(pages_text(read_document(report)))
        for words in ["信访事项办理情况报告", "县信访局", "县信交〔2026〕8号", "已实地核实并答复", "满意", "青信报〔2026〕1号",
                      "青溪镇人民政府"]:
            assert words in text, words
        workflow.archive_petition(petition, by=users["clerk"])
    petition.refresh_from_db()
    assert petition.status == "archived"


def test_report_back_refuses_bad_input_and_changes_nothing(users):
    petition = _to_visited(users)
    with at(D(2026, 9, 28)), pytest.raises(Exception) as error:
        workflow.report_back(petition, by=users["clerk"], reported_on=D(2026, 9, 28), method="document", summary=" ")
    assert "summary" in error.value.message_dict
    petition.refresh_from_db()
    assert petition.reported_on is None
    assert not documents_of(petition).filter(kind="report_back").exists()


@pytest.mark.parametrize("typed", ["可来电咨询", ""])
def test_the_reply_always_states_the_art_35_review_right(users, typed):
    petition = register_petition(users["clerk"])
    advance(petition, users, "in_progress")
    workflow.submit_reply(petition, by=users["handler"], review_note=typed, **REPLY)
    petition.refresh_from_db()
    advance(petition, users, "replied")
    text = "".join(pages_text(read_document(documents_of(petition).get(kind="reply"))))
    assert Petition.ART_35 in text
    assert "某某县人民政府" in text
    assert typed in text
    assert "上一级行政机关" not in text
    # Internal lines are not printed on the served document; they are in the record of handling.
    assert "审签" not in text and "承办" not in text


def test_a_dissatisfied_opinion_shows_the_same_sentence(client, users):
    petition = register_petition(users["clerk"])
    advance(petition, users, "replied")
    workflow.record_opinion(petition, by=users["clerk"], opinion="dissatisfied", opinion_on=datetime.date.today())
    client.force_login(users["clerk"])
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert page.count(Petition.ART_35) == 2


def test_the_leader_previews_the_reply_before_signing(client, users):
    petition = register_petition(users["clerk"])
    advance(petition, users, "reply_review")
    count = IssuedDocument.objects.count()
    client.force_login(users["leader"])
    response = client.get(reverse("petitions:reply_preview", args=[petition.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(pages_text(response.content))
    assert Petition.ART_35 in text and "样稿" in text
    assert IssuedDocument.objects.count() == count
    client.force_login(users["mediator"])
    assert client.get(reverse("petitions:reply_preview", args=[petition.pk])).status_code in (403, 404)


def test_signing_off_needs_the_review_organ(users, township):
    petition = register_petition(users["clerk"])
    advance(petition, users, "reply_review")
    township.review_organ = ""
    township.save()
    petition.refresh_from_db()
    with pytest.raises(TransitionNotAllowed, match="Art 35|第三十五条"):
        workflow.approve_reply(petition, by=users["leader"])


def test_each_document_has_its_own_number_by_kind_with_the_townships_prefix(users, township):
    DocumentSeries.objects.create(township=township, kind="extension_notice", prefix="青信延")
    first = register_petition(users["clerk"])
    second = register_petition(users["clerk"])
    for petition in (first, second):
        advance(petition, users, "in_progress")
    workflow.request_extension(first, by=users["handler"], days=20, reason="需委托测绘。")
    workflow.approve_extension(first, by=users["leader"])
    numbers = {(d.kind, d.number) for d in IssuedDocument.objects.all()}
    year = datetime.date.today().year
    assert numbers == {
        ("acceptance_notice", f"青信受〔{year}〕1号"), ("acceptance_notice", f"青信受〔{year}〕2号"),
        ("extension_notice", f"青信延〔{year}〕1号"),
    }
    text = "".join(pages_text(read_document(documents_of(first).get(kind="extension_notice"))))
    assert "。，" not in text and "需委托测绘，经批准" in text
    assert text.startswith("延期办理告知书") and "青溪镇人民政府" in text and "信访工作机构" not in text
    assert "你提出的" in text


def test_several_petitioners_are_addressed_as_你们(users):
    petition = register_petition(users["clerk"], petitioners=[{"name": "张三"}, {"name": "李四"}])
    advance(petition, users, "accepted")
    text = "".join(pages_text(read_document(documents_of(petition).get(kind="acceptance_notice"))))
    assert "你们于" in text and "你（们）" not in text


def test_dossier_page_numbers_read_from_the_pdf_match_the_contents(users):
    petition = register_petition(users["clerk"], **ASSIGNED)
    advance(petition, users, "visited")
    workflow.report_back(petition, by=users["clerk"], reported_on=datetime.date.today(), method="system",
                         summary="已办结。")
    petition.refresh_from_db()
    advance(petition, users, "archived")
    pages = pages_text(read_document(documents_of(petition).get(kind="dossier")))
    total = len(pages)
    stamps = [re.search(r"本卷第(\d+)页/共(\d+)页", page) for page in pages]
    assert [(int(m.group(1)), int(m.group(2))) for m in stamps] == [(n, total) for n in range(1, total + 1)]
    index = next(n for n, page in enumerate(pages) if "卷内目录" in page)
    contents = pages[index]
    for document in documents_of(petition).exclude(kind="dossier"):
        # The page where the document starts, read from the stamped file, is the one the contents give.
        first = next(n for n, page in enumerate(pages) if n > index and document.number in page) + 1
        assert pages[first - 1].startswith(f"本卷第{first}页/共{total}页{document.title}") or \
            f"{document.title}{document.number}" in pages[first - 1], document.title
        assert f"{document.title}{document.number}{first}" in contents, (document.title, first, contents)


def test_report_back_and_the_archive_refusal_through_the_pages(client, users):
    petition = register_petition(users["clerk"], **ASSIGNED)
    advance(petition, users, "visited")
    client.force_login(users["clerk"])
    url = lambda action: reverse(f"petitions:{action}", args=[petition.pk])  # noqa: E731
    response = client.post(url("archive"), {"version": petition.version}, follow=True)
    assert "上报办理结果" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == "visited"
    response = client.post(url("report_back"), {
        "version": petition.version, "reported_on": datetime.date.today().isoformat(), "method": "system",
        "summary": "已办结并答复。"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.reported_on == datetime.date.today()
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert 'data-testid="report-back"' in page and "信访事项办理情况报告" in page
