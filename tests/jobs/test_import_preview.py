"""The preview of a large ledger off the request (docs/architecture.md §14): above IMPORT_TASK_ROWS rows the
reading and checking of every row runs as a job, whose page leads back to the same preview page; a small
file is checked in the request as before."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from ledgerimport import services as import_services
from ledgerimport.models import ImportBatch
from tests.ledgerimport.builders import messy_ledger

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def shown(page):
    """The preview as the user reads it: counts, unknown values, refusals, skipped rows, sample, confirm."""
    part = page[page.index('data-testid="preview-counts"'):page.rindex("</form>")]
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", part)


@pytest.fixture
def batch(client, coordinator, township):
    client.force_login(coordinator)
    client.post(reverse("ledgerimport:index"), {"kind": "petitions",
                                                "file": SimpleUploadedFile("台账.xlsx", messy_ledger())})
    batch = ImportBatch.objects.get()
    mapping = dict(batch.mapping)
    mapping["9"] = "-"
    import_services.set_mapping(batch, by=coordinator, mapping=mapping, remember=False)
    return batch


def test_a_large_file_is_checked_in_the_background_and_shows_the_same_preview(client, coordinator, batch, settings):
    url = reverse("ledgerimport:preview", args=[batch.pk])
    immediate = client.get(url)
    assert immediate.status_code == 200 and not Job.objects.exists()
    assert 'data-testid="refused"' in immediate.content.decode()  # the messy ledger has rows refused

    settings.IMPORT_TASK_ROWS = 3  # the sheet says it has more rows than that
    response = client.get(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.created_by, job.result_url, job.row_count) == (
        "ledger_preview", "done", coordinator, url, 7)  # seven data rows read
    job_page = client.get(response["Location"]).content.decode()
    assert f'href="{url}"' in job_page and "打开检查结果" in job_page and "job-download" not in job_page

    background = client.get(url).content.decode()
    assert shown(background) == shown(immediate.content.decode())
    assert 'data-testid="checked-in-background"' in background and 'name="rows" value="7"' in background
    assert Job.objects.count() == 1  # the kept result is shown again, not checked again

    # A value chosen for an unknown one changes what the check finds: it runs again.
    import_services.set_value_map(batch, by=coordinator, value_map={"category": {"x": "y"}})
    assert client.get(url).status_code == 302 and Job.objects.count() == 2
    assert client.get(url + "?again=1").status_code == 302 and Job.objects.count() == 3  # 重新检查
    assert client.get(url).status_code == 200 and Job.objects.count() == 3


def test_the_preview_job_is_its_starters_alone(client, admin_user, batch, settings):
    settings.IMPORT_TASK_ROWS = 3
    client.get(reverse("ledgerimport:preview", args=[batch.pk]))
    job = Job.objects.get()
    client.force_login(admin_user)  # may import in the same township, but did not start this check
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    response = client.get(reverse("ledgerimport:preview", args=[batch.pk]))
    assert response.status_code == 302 and Job.objects.count() == 2  # their own check


def test_a_bad_file_is_still_refused_at_once_in_chinese(client, coordinator, township, settings):
    settings.IMPORT_TASK_ROWS = 0
    client.force_login(coordinator)
    response = client.post(reverse("ledgerimport:index"), {
        "kind": "petitions", "file": SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 not really a workbook")})
    page = response.content.decode()
    assert response.status_code == 200 and "这个文件不是 Excel 工作簿（.xlsx），或者文件已损坏。" in page
    assert not ImportBatch.objects.exists() and not Job.objects.exists()


def test_what_the_check_found_is_purged_with_the_job_files(client, batch, settings):
    from jobs.services import purge_files

    settings.IMPORT_TASK_ROWS = 3
    url = reverse("ledgerimport:preview", args=[batch.pk])
    client.get(url)
    job = Job.objects.get()
    assert job.result["total"] == 7 and job.result["sample"]
    purge_files(NOW + datetime.timedelta(hours=settings.JOB_FILE_HOURS + 1))
    job.refresh_from_db()
    assert job.result == {} and job.status == "done"
    assert client.get(url).status_code == 302 and Job.objects.count() == 2  # checked again, not shown empty
    assert client.get(url).status_code == 200
