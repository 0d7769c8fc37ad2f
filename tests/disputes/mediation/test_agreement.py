"""The mediation agreement (人民调解协议书): every legally required content, one by one; its number;
its PDF's contents and fonts; the frozen, stored version; corrections as new recorded versions."""
import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from disputes.mediation import documents, workflow
from disputes.models import MediationCase, MediationCounter
from office.documents import documents_of, read_document
from office.models import IssuedDocument
from office.pdf import sha256_of

from .builders import TERMS, advance, case_in, draft, performance_deadline, register, today

pytestmark = pytest.mark.django_db
S = MediationCase.Status


def pdf_text(data):
    reader = PdfReader(BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    return text.replace(" ", "").replace("\n", ""), fonts


def nothing_finalised(case):
    case.refresh_from_db()
    agreement = case.agreement
    return (case.status == S.MEDIATING and agreement.number == "" and agreement.finalised_at is None
            and not documents_of(case).exists() and not MediationCounter.objects.filter(series__startswith="agreement").exists())


AGREEMENT_CONTENTS = ["facts", "disputed_matters", "responsibilities", "terms", "performance_manner",
                      "performance_place", "performance_deadline", "signed_on"]


@pytest.mark.parametrize("field", AGREEMENT_CONTENTS)
def test_each_required_content_of_the_agreement_is_checked(mediator, field):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator, **{field: [] if field == "terms" else (None if "_on" in field or "deadline" in field else "")})
    with pytest.raises(workflow.IncompleteAgreementError) as error:
        workflow.finalise_agreement(case, by=mediator)
    label = str(case.agreement._meta.get_field(field).verbose_name)
    assert error.value.missing == [label]
    assert nothing_finalised(case)


PARTY_CONTENTS = ["name", "sex", "ethnicity", "id_number", "address", "phone"]


@pytest.mark.parametrize("field", PARTY_CONTENTS + ["birth date or age"])
def test_each_party_detail_the_agreement_must_state_is_checked(mediator, field):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator)
    respondent = case.agreement.parties.get(role="respondent")
    blank = {"birth_date": None, "age": None} if field == "birth date or age" else {field: ""}
    workflow.save_agreement(case, by=mediator, data={}, parties={respondent.person_id: blank})
    with pytest.raises(workflow.IncompleteAgreementError) as error:
        workflow.finalise_agreement(case, by=mediator)
    assert len(error.value.missing) == 1
    item = error.value.missing[0]
    assert (respondent.name if field != "name" else "") in item
    assert nothing_finalised(case)


def test_an_age_stands_in_for_an_unknown_birth_date(mediator):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator)
    respondent = case.agreement.parties.get(role="respondent")
    workflow.save_agreement(case, by=mediator, data={}, parties={respondent.person_id: {"birth_date": None, "age": 67}})
    workflow.finalise_agreement(case, by=mediator)
    case.agreement.refresh_from_db()
    text, _fonts = pdf_text(read_document(case.agreement.document))
    assert "67岁" in text


def test_a_party_on_each_side_is_required(mediator):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator)
    case.agreement.parties.filter(role="respondent").delete()
    with pytest.raises(workflow.IncompleteAgreementError) as error:
        workflow.finalise_agreement(case, by=mediator)
    assert len(error.value.missing) == 1
    assert nothing_finalised(case)


def test_every_missing_content_is_listed_at_once(mediator):
    case = case_in(mediator, S.MEDIATING)
    workflow.save_agreement(case, by=mediator, data={"facts": ""})
    with pytest.raises(workflow.IncompleteAgreementError) as error:
        workflow.finalise_agreement(case, by=mediator)
    assert len(error.value.missing) == len(AGREEMENT_CONTENTS)
    assert nothing_finalised(case)


def test_a_performance_deadline_before_the_signing_date_is_refused(mediator):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator)
    with pytest.raises(ValidationError) as error:
        draft(case, mediator, performance_deadline=today() - datetime.timedelta(days=1))
    assert "performance_deadline" in error.value.error_dict
    case.agreement.refresh_from_db()
    assert case.agreement.performance_deadline == performance_deadline()


def test_numbers_are_gap_free_per_committee_and_year(mediator, coordinator, township):
    from office.roles import MEDIATOR
    from tests.builders import make_user

    village = [case_in(mediator, S.AGREED) for _ in range(2)]
    township_mediator = make_user(MEDIATOR, township)
    own = case_in(township_mediator, S.AGREED, village=None)
    assert [c.agreement.number for c in village] == ["(2026)青溪村人调字第1号", "(2026)青溪村人调字第2号"]
    assert own.agreement.number == "(2026)青溪人调字第1号"


def test_a_failed_finalising_gives_its_number_back(mediator, monkeypatch):
    first, second = case_in(mediator, S.MEDIATING), case_in(mediator, S.MEDIATING)
    draft(first, mediator)
    draft(second, mediator)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(documents, "issue_agreement", broken)
        with pytest.raises(OSError):
            workflow.finalise_agreement(first, by=mediator)
    assert nothing_finalised(first)
    workflow.finalise_agreement(second, by=mediator)
    second.agreement.refresh_from_db()
    assert second.agreement.number == "(2026)青溪村人调字第1号"


@pytest.fixture
def finalised(mediator):
    case = case_in(mediator, S.AGREED)
    return case, case.agreement


def test_the_pdf_states_the_parties_terms_deadline_and_signature_lines(finalised):
    case, agreement = finalised
    text, fonts = pdf_text(read_document(agreement.document))
    assert "人民调解协议书" in text and agreement.number in text
    for party in agreement.parties.all():
        assert party.name in text and party.id_number in text and party.phone in text and party.address in text
    assert "回族" in text and "汉族" in text
    for term in TERMS:
        assert term.replace(" ", "") in text
    assert "1." in text and "3." in text, "the terms are numbered"
    deadline = performance_deadline()
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日前履行完毕" in text
    assert "申请人（签名、盖章或按指印）" in text and "被申请人（签名、盖章或按指印）" in text
    assert "人民调解员（签名）" in text and "青溪村人民调解委员会（印章）" in text
    assert f"一式{agreement.parties.count() + 1}份" in text
    assert "草稿" not in text
    assert any("CJK" in font for font in fonts), fonts


def test_a_draft_carries_the_watermark(mediator):
    case = case_in(mediator, S.MEDIATING)
    agreement = draft(case, mediator)
    text, _fonts = pdf_text(documents.render_agreement(agreement, draft=True))
    assert "草稿" in text and "人调字" not in text


def test_the_stored_pdf_never_changes_when_the_template_does(client, mediator, finalised, tmp_path, settings):
    case, agreement = finalised
    stored = agreement.document
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "mediation_agreement.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>改过的模板</h1>{{ agreement.number }}{% endblock %}',
        encoding="utf-8")
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        rendered_now = documents.render_agreement(agreement, draft=False)
        assert "改过的模板" in pdf_text(rendered_now)[0]
        client.force_login(mediator)
        served = client.get(reverse("disputes:mediation_document", args=[case.pk, stored.pk])).content
    assert sha256_of(served) == stored.sha256 == sha256_of(read_document(stored))
    assert "改过的模板" not in pdf_text(served)[0]


def test_editing_a_finalised_agreement_is_refused_with_the_offer_of_a_new_version(mediator, finalised):
    case, agreement = finalised
    with pytest.raises(workflow.AgreementFinalisedError) as error:
        workflow.save_agreement(case, by=mediator, data={"performance_place": "别处"})
    assert "更正" in str(error.value) or "corrected version" in str(error.value)
    agreement.refresh_from_db()
    assert agreement.performance_place == "青溪村3组争议地块"


def test_a_correction_is_a_new_recorded_version_and_the_old_one_stays(mediator, finalised):
    case, agreement = finalised
    first = agreement.document
    first_bytes = read_document(first)
    with pytest.raises(ValidationError):
        workflow.correct_agreement(case, by=mediator, reason="", data={"performance_place": "东侧"})
    with pytest.raises(ValidationError):
        workflow.correct_agreement(case, by=mediator, reason="无改动", data={})
    workflow.correct_agreement(case, by=mediator, reason="履行地点笔误", data={"performance_place": "青溪村3组东侧地块"})
    agreement.refresh_from_db()
    second = agreement.document
    assert second.version == 2 and second.supersedes == first and second.sha256 != first.sha256
    assert read_document(first) == first_bytes, "the earlier version stays, byte for byte"
    assert "青溪村3组东侧地块" in pdf_text(read_document(second))[0]
    assert agreement.number in pdf_text(read_document(second))[0], "a correction keeps the number"
    assert IssuedDocument.objects.filter(object_id=case.pk).count() == 2
    event = case.events.last()
    assert event.action == "correct_agreement" and "履行地点笔误" in event.note
    assert agreement.history.first().history_user == mediator


def test_a_correction_still_checks_every_content(mediator, finalised):
    case, agreement = finalised
    with pytest.raises(workflow.IncompleteAgreementError):
        workflow.correct_agreement(case, by=mediator, reason="删去履行方式", data={"performance_manner": ""})
    agreement.refresh_from_db()
    assert agreement.performance_manner and agreement.document.version == 1


def test_signatures_make_it_effective_and_open_the_confirmation_window(mediator, finalised):
    case, agreement = finalised
    case = advance(case, mediator, S.PERFORMING)
    agreement.refresh_from_db()
    assert agreement.effective_on == today() and agreement.confirmation_due_on >= today() + datetime.timedelta(days=30)
    assert case.closed_on == today()


def test_snapshots_are_taken_from_the_person_and_stay_as_signed(mediator, finalised):
    case, agreement = finalised
    person = case.party_links.first().person
    person.address = "搬到了县城"
    person.save()
    snapshot = agreement.parties.get(person=person)
    assert snapshot.address != "搬到了县城"
    assert snapshot.id_number == person.id_number and snapshot.sex == person.sex and snapshot.birth_date == person.birth_date


def test_registering_fills_what_the_person_record_lacks(mediator):
    case = register(mediator)
    respondent = case.party_links.get(role="respondent").person
    assert respondent.ethnicity == "回族" and respondent.birth_date and respondent.sex


def test_archiving_a_standard_case_stores_its_case_file(mediator, coordinator):
    case = register(mediator)
    workflow.start_mediation(case, by=mediator, parties_accept=True)
    workflow.record_session(case, by=mediator, held_on=today(), place="村委会调解室", attendees="双方当事人",
                            record="双方同意以测量结果为准。")
    case.refresh_from_db()
    case = advance(case, mediator, S.VISITED)
    workflow.correct_agreement(case, by=mediator, reason="更正地点", data={"performance_place": "3组东侧"})
    versions = [read_document(d) for d in documents_of(case).filter(kind=documents.AGREEMENT_KIND)]
    workflow.archive_case(case, by=coordinator)
    case_file = documents_of(case).get(kind=documents.CASE_FILE_KIND)
    data = read_document(case_file)
    text, fonts = pdf_text(data)
    for title in ("人民调解卷宗", "卷内目录", "人民调解受理登记表", "人民调解记录", "第1版", "第2版", "人民调解回访记录"):
        assert title in text, title
    assert case.agreement.number in text and any("CJK" in font for font in fonts)
    reader = PdfReader(BytesIO(data))
    signed = sum(len(PdfReader(BytesIO(v)).pages) for v in versions)
    assert len(reader.pages) >= 2 + signed + 3
    assert case_file.pages == len(reader.pages)


def test_the_simple_procedure_keeps_no_case_file(mediator):
    case = case_in(mediator, S.ARCHIVED, procedure="simple", form="oral")
    assert not documents_of(case).exists()
