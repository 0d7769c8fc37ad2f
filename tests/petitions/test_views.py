import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from office.models import AccessLog
from office.roles import HANDLER
from petitions.models import Attachment, Petition
from tests.builders import ID_NUMBERS, make_user, register_petition

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def intake_post(**overrides):
    today = timezone.localdate()
    data = {
        "intake_token": "6b1f5f2e-5d0a-4d7c-9a5e-1f2a3b4c5d6e",
        "p-channel": "letter",
        "p-source": "direct",
        "p-received_on": (today - datetime.timedelta(days=2)).isoformat(),
        "p-purpose": "seek_solution",
        "p-title": "拖欠工资",
        "p-request": "请求督促企业支付拖欠工资。",
        "p-facts": "在镇上工厂务工三个月未领工资。",
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "50",
        "people-0-name": "赵六",
        "people-0-id_number": ID_NUMBERS[1],
        "people-0-phone": "13700001234",
        "people-1-name": "钱七",
        "people-1-phone": "13600005678",
        "a-kind": "letter",
    }
    data.update(overrides)
    return data


def test_clerk_registers_a_letter_with_two_petitioners_and_an_attachment(client, clerk):
    client.force_login(clerk)
    data = intake_post()
    data["a-files"] = SimpleUploadedFile("来信.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("petitions:register"), data)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert response["Location"] == reverse("petitions:detail", args=[petition.pk])
    assert [p.person.name for p in petition.parties.all()] == ["赵六", "钱七"]
    attachment = petition.attachments.get()
    assert attachment.original_name == "来信.pdf" and attachment.kind == "letter"
    # A double-clicked submit (same form token) registers nothing more.
    again = client.post(reverse("petitions:register"), intake_post())
    assert again.status_code == 302 and Petition.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field_error",
    [
        ({"people-0-id_number": "110105194912310021"}, "校验位"),
        ({"people-0-id_number": "110105194913310021"}, "出生日期"),
        ({"people-0-id_number": "1101051949"}, "18位"),
        ({"people-0-phone": "12345"}, "11位手机号"),
        ({"p-received_on": "2099-01-01"}, "不能晚于今天"),
        ({"p-request": ""}, "这个字段是必填项"),
    ],
)
def test_bad_input_gives_chinese_field_errors_and_saves_nothing(client, clerk, overrides, field_error):
    client.force_login(clerk)
    response = client.post(reverse("petitions:register"), intake_post(**overrides))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert Petition.objects.count() == 0
    # What was typed is kept.
    assert "拖欠工资" in response.content.decode()


def test_more_than_five_representatives_is_a_form_error(client, clerk):
    client.force_login(clerk)
    data = intake_post(**{"p-channel": "visit", "p-is_group": "on", "p-head_count": "40", "people-TOTAL_FORMS": "6"})
    data.pop("people-1-phone")
    for i in range(6):
        data[f"people-{i}-name"] = f"代表{i}"
        data[f"people-{i}-is_representative"] = "on"
    data["people-0-id_number"] = ""
    response = client.post(reverse("petitions:register"), data)
    assert response.status_code == 200
    assert "最多推选五名代表" in response.content.decode()
    assert Petition.objects.count() == 0


def test_oversized_or_disguised_uploads_are_refused_with_the_form_kept(client, clerk, settings):
    client.force_login(clerk)
    data = intake_post()
    data["a-files"] = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("petitions:register"), data)
    assert response.status_code == 200 and "不是真正的 PDF 文件" in response.content.decode()
    data = intake_post()
    data["a-files"] = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("petitions:register"), data)
    assert "只能上传" in response.content.decode()
    from petitions import forms

    big = SimpleUploadedFile("大.pdf", b"%PDF" + b"0" * (forms.MAX_UPLOAD_BYTES + 1), content_type="application/pdf")
    data = intake_post()
    data["a-files"] = big
    response = client.post(reverse("petitions:register"), data)
    assert "最大" in response.content.decode()
    assert Petition.objects.count() == 0
    assert "赵六" in response.content.decode()


def test_lookup_shows_earlier_cases_of_the_person_being_typed(client, clerk):
    earlier = register_petition(clerk)
    client.force_login(clerk)
    response = client.get(
        reverse("petitions:lookup"), {"row": "people-0", "people-0-id_number": ID_NUMBERS[0]}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert earlier.number in body
    assert "重复信访" in body
    response = client.get(reverse("petitions:lookup"), {"row": "people-0", "people-0-phone": "13812345678"})
    assert earlier.number in response.content.decode()
    response = client.get(reverse("petitions:lookup"), {"row": "people-0", "people-0-phone": "13000000000"})
    assert earlier.number not in response.content.decode()


def test_list_masks_personal_data_and_search_finds_by_phone_name_number_and_id(client, clerk):
    petition = register_petition(clerk)
    register_petition(clerk, title="其他事项", petitioners=[{"name": "孙八", "phone": "13511112222"}])
    client.force_login(clerk)
    body = client.get(reverse("petitions:index")).content.decode()
    assert "138****5678" in body and "13812345678" not in body
    for query in ["13812345678", "张三", petition.number, ID_NUMBERS[0], "宅基地"]:
        body = client.get(reverse("petitions:index"), {"q": query}).content.decode()
        assert petition.number in body, query
        assert "其他事项" not in body, query


def test_list_filters_overdue_and_due_soon(client, clerk):
    today = timezone.localdate()
    overdue = register_petition(clerk, received_on=today - datetime.timedelta(days=40), title="逾期件")
    fresh = register_petition(clerk, received_on=today, title="新件")
    client.force_login(clerk)
    body = client.get(reverse("petitions:index"), {"overdue": "true"}).content.decode()
    assert overdue.number in body and fresh.number not in body
    assert "days-overdue" in body
    body = client.get(reverse("petitions:index"), {"overdue": "false"}).content.decode()
    assert fresh.number in body and overdue.number not in body


def test_invalid_filter_is_shown_not_a_500(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("petitions:index"), {"received_from": "not-a-date"})
    assert response.status_code == 200
    assert "输入一个有效的日期" in response.content.decode()


def test_show_personal_data_is_logged(client, clerk):
    petition = register_petition(clerk)
    client.force_login(clerk)
    body = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "110105********002X" in body and ID_NUMBERS[0] not in body
    assert client.get(reverse("petitions:show_personal", args=[petition.pk])).status_code == 405
    body = client.post(reverse("petitions:show_personal", args=[petition.pk])).content.decode()
    assert ID_NUMBERS[0] in body and "13812345678" in body
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.target) == (clerk, AccessLog.Action.SHOW_PERSONAL, petition.number)


def test_only_roles_that_need_it_may_show_personal_data(client, users, township, justice):
    from tests.builders import petition_in_state

    petition = petition_in_state(users, "in_progress")  # referred to 司法所, named handler users["handler"]
    colleague = make_user(HANDLER, township, unit=justice)
    client.force_login(colleague)
    assert client.get(reverse("petitions:detail", args=[petition.pk])).status_code == 200
    assert client.post(reverse("petitions:show_personal", args=[petition.pk])).status_code == 403
    assert not AccessLog.objects.exists()
    client.force_login(users["handler"])  # the handler must reach the petitioner
    assert client.post(reverse("petitions:show_personal", args=[petition.pk])).status_code == 200
    assert AccessLog.objects.get().user == users["handler"]


def test_attachment_download_needs_the_case_to_be_visible(client, clerk, outsider, handler):
    petition = register_petition(clerk)
    from petitions import services

    attachment = services.add_attachment(
        petition, by=clerk, upload=SimpleUploadedFile("信.pdf", PDF, content_type="application/pdf"), kind="letter"
    )
    client.force_login(clerk)
    response = client.get(reverse("petitions:download_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    for user in (outsider, handler):
        client.force_login(user)
        assert client.get(reverse("petitions:download_attachment", args=[attachment.pk])).status_code in (403, 404)
    assert Attachment.objects.count() == 1


def test_edit_page_saves_and_refuses_a_stale_form(client, clerk):
    petition = register_petition(clerk)
    client.force_login(clerk)
    url = reverse("petitions:edit", args=[petition.pk])
    form = client.get(url)
    assert form.status_code == 200
    post = intake_post(**{"p-title": "改后的标题", "version": "1"})
    assert client.post(url, post).status_code == 302
    petition.refresh_from_db()
    assert petition.title == "改后的标题"
    response = client.post(url, intake_post(**{"p-title": "旧表单", "version": "1"}))
    assert "已被他人修改" in response.content.decode()
    petition.refresh_from_db()
    assert petition.title == "改后的标题"
    body = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    assert "改后的标题" in body and "宅基地边界纠纷" in body  # the history shows old -> new


def test_registration_pdf_contains_the_case_and_a_cjk_font(client, clerk):
    from io import BytesIO

    from pypdf import PdfReader

    petition = register_petition(clerk)
    client.force_login(clerk)
    response = client.get(reverse("petitions:registration_pdf", args=[petition.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "信访事项登记表" in text and petition.number in text and "张三" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts), fonts
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).count() == 1


def test_lookup_groups_earlier_cases_by_person_and_ticks_only_id_or_phone_matches(client, clerk, village):
    sure = register_petition(clerk, title="本人旧案", petitioners=[
        {"name": "张三", "id_number": ID_NUMBERS[1], "phone": "13811112222", "village": village}])
    namesake = register_petition(clerk, title="同名旧案", petitioners=[
        {"name": "张三", "phone": "13933334444", "village": village}])
    client.force_login(clerk)
    body = client.get(reverse("petitions:lookup"), {
        "row": "people-0", "people-0-name": "张三", "people-0-village": str(village.pk),
        "people-0-id_number": ID_NUMBERS[1]}).content.decode()
    groups = body.split('data-testid="lookup-person-cases"')[1:]
    assert len(groups) == 2  # one group per person, each with their own case
    by_case = {sure.number: next(g for g in groups if sure.number in g),
               namesake.number: next(g for g in groups if namesake.number in g)}
    assert by_case[sure.number] != by_case[namesake.number]
    assert f'value="{sure.pk}" checked' in by_case[sure.number]  # the same ID number: ticked
    assert f'value="{namesake.pk}" checked' not in by_case[namesake.number]  # the same name only: the clerk decides
    assert 'data-testid="name-only"' in by_case[namesake.number]


def test_intake_without_a_petitioner_marks_the_name_field(client, clerk):
    client.force_login(clerk)
    data = intake_post(**{"people-TOTAL_FORMS": "1"})
    for key in [k for k in data if k.startswith(("people-0-", "people-1-"))]:
        del data[key]
    response = client.post(reverse("petitions:register"), data)
    assert response.status_code == 200 and not Petition.objects.exists()
    assert "请至少填写一名信访人" in str(response.context["people"].forms[0].errors.get("name"))
