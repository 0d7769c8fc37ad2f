"""Long work off the request (docs/architecture.md §14): a large export or import runs as a background
job (the immediate task backend in tests), shows its progress, offers its file to its owner only, and
says in Chinese why it failed."""
import datetime
import os
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs import services as job_services
from jobs.models import Job
from ledgerimport import services as import_services
from ledgerimport.models import ImportBatch
from office.models import AccessLog
from petitions.models import Petition
from tests.builders import ID_NUMBERS, petition_in_state, register_petition
from tests.ledgerimport.builders import messy_ledger

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def three_petitions(users):
    petition_in_state(users, "replied")
    for index in (1, 2):
        register_petition(users["clerk"], title=f"宅基地{index}",
            petitioners=[{"name": "李四", "id_number": ID_NUMBERS[index], "phone": "13900001111"}])


def cells(content):
    ws = openpyxl.load_workbook(BytesIO(content)).active
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_large_export_runs_in_the_background_and_gives_the_same_file(client, users, three_petitions, settings,
                                                                       monkeypatch):
    client.force_login(users["coordinator"])
    url = reverse("reports:export_petitions") + "?q=&status="
    settings.EXPORT_TASK_ROWS = 100
    immediate = client.get(url)
    assert immediate.status_code == 200 and AccessLog.objects.count() == 1

    reported = []
    original = job_services.report_progress
    monkeypatch.setattr("office.excel.PROGRESS_EVERY", 1)
    monkeypatch.setattr("jobs.services.report_progress",
                        lambda job, done, total=None: (reported.append((done, total)), original(job, done, total)))
    settings.EXPORT_TASK_ROWS = 2  # three rows: above the threshold
    response = client.get(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.kind, job.total, job.row_count, job.created_by) == (
        "done", "petition_ledger", 3, 3, users["coordinator"])
    assert reported == [(0, 3), (1, 3), (2, 3), (3, 3)]  # from the export's own loop
    assert job.file.name.startswith(f"jobs/{job.township_id}/") and job.params == {"q": [""], "status": [""]}
    assert AccessLog.objects.count() == 1  # nothing has been handed out yet

    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and reverse("jobs:download", args=[job.pk]) in page and "hx-trigger" not in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert cells(body(download)) == cells(immediate.content)  # same rows, same masking
    log = AccessLog.objects.latest("pk")
    assert (log.user, log.action, log.row_count, log.target) == (users["coordinator"], "export", 3, "信访台账")
    assert log.detail == {"filters": {"q": "", "status": ""}, "masked": False, "job": job.pk}


def test_only_the_user_who_started_it_sees_the_job(client, users, outsider, three_petitions, settings):
    settings.EXPORT_TASK_ROWS = 0
    client.force_login(users["coordinator"])
    client.get(reverse("reports:export_petitions"))
    job = Job.objects.get()
    for name in ("jobs:detail", "jobs:progress", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 200
    for other in (users["leader"], users["clerk"], users["admin"], outsider):
        client.force_login(other)
        for name in ("jobs:detail", "jobs:progress", "jobs:download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
        assert f"/jobs/{job.pk}/" not in client.get(reverse("jobs:index")).content.decode()
    assert AccessLog.objects.filter(action="export").count() == 1  # only the owner's download


def test_the_right_is_checked_again_when_the_job_runs_and_at_download(client, users, three_petitions, settings):
    from django.contrib.auth.models import Permission

    coordinator = users["coordinator"]
    job = Job.objects.create(township=coordinator.staff.township, created_by=coordinator, kind="petition_ledger",
                             label="信访台账", params={})
    coordinator.groups.first().permissions.remove(Permission.objects.get(codename="export_data"))
    coordinator.user_permissions.remove(Permission.objects.get(codename="export_data"))
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # no cached rights
    job_services.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "你已无权进行此项工作，未生成任何文件。" and not job.file
    client.force_login(coordinator)
    assert "你已无权进行此项工作" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_a_failure_shows_its_reason_in_chinese(client, users, three_petitions, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("petitions.exports.export_petition_ledger", broken)
    settings.EXPORT_TASK_ROWS = 0
    client.force_login(users["coordinator"])
    response = client.get(reverse("reports:export_petitions"))
    job = Job.objects.get()
    assert job.status == "failed" and not job.file
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="job-error"' in page and "后台工作因意外错误中止，未写入任何内容" in page
    assert "disk full" not in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_the_progress_fragment_polls_until_the_job_has_finished(client, users):
    coordinator = users["coordinator"]
    job = Job.objects.create(township=coordinator.staff.township, created_by=coordinator, kind="petition_ledger",
                             label="信访台账", status="running", total=10)
    job_services.report_progress(job, 4, 10)
    client.force_login(coordinator)
    fragment = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="40"' in fragment and "4 / 10" in fragment
    assert "<script" not in fragment and "style=" not in fragment
    Job.objects.filter(pk=job.pk).update(status="failed", error="文件无法读取。")
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "文件无法读取。" in fragment


def test_files_are_deleted_after_a_day_or_when_a_newer_one_replaces_them(client, users, three_petitions, settings):
    settings.EXPORT_TASK_ROWS = 0
    client.force_login(users["coordinator"])
    client.get(reverse("reports:export_petitions"))
    first = Job.objects.get()
    path = first.file.path
    client.get(reverse("reports:export_petitions"))  # the same export again: the newer file replaces the first
    first.refresh_from_db()
    assert first.file_deleted_at is not None and not first.file
    assert not os.path.exists(path)
    assert "文件已删除" in client.get(reverse("jobs:detail", args=[first.pk])).content.decode()
    assert client.get(reverse("jobs:download", args=[first.pk])).status_code == 404
    second = Job.objects.latest("pk")
    with time_machine.travel(NOW + datetime.timedelta(hours=settings.JOB_FILE_HOURS + 1), tick=False):
        job_services.purge_files()
    second.refresh_from_db()
    assert second.file_deleted_at is not None


def test_the_mediation_and_screening_ledgers_run_in_the_background_too(client, users, settings):
    from tests.disputes.builders import found_entry
    from tests.disputes.mediation.builders import S, case_in

    case_in(users["mediator"], S.PERFORMED)
    found_entry(users["mediator"])
    client.force_login(users["coordinator"])
    settings.EXPORT_TASK_ROWS = 100
    expected = {name: cells(client.get(reverse(name)).content)
                for name in ("reports:export_mediation", "disputes:export")}
    settings.EXPORT_TASK_ROWS = 0
    for name, kind in (("reports:export_mediation", "mediation_ledger"), ("disputes:export", "screening_ledger")):
        response = client.get(reverse(name))
        job = Job.objects.get(kind=kind)
        assert response["Location"] == reverse("jobs:detail", args=[job.pk]) and job.status == "done"
        assert cells(body(client.get(reverse("jobs:download", args=[job.pk])))) == expected[name]


def _snapshot():
    return sorted((p.number, p.received_on, p.status, p.title, p.replied_on, p.decided_on,
                   tuple(p.parties.values_list("person__name", "person__id_number"))) for p in Petition.objects.all())


def test_a_large_import_runs_in_the_background_and_writes_the_same(client, coordinator, township, settings):
    client.force_login(coordinator)

    def upload_and_map():
        client.post(reverse("ledgerimport:index"), {"kind": "petitions",
                                                    "file": SimpleUploadedFile("台账.xlsx", messy_ledger())})
        batch = ImportBatch.objects.filter(state="draft").get()
        mapping = dict(batch.mapping)
        mapping["9"] = "-"
        import_services.set_mapping(batch, by=coordinator, mapping=mapping, remember=False)
        return batch

    batch = upload_and_map()
    page = client.get(reverse("ledgerimport:preview", args=[batch.pk])).content.decode()
    assert 'name="rows" value="7"' in page
    settings.IMPORT_TASK_ROWS = 5
    response = client.post(reverse("ledgerimport:confirm", args=[batch.pk]), {"rows": "7"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.result_url) == ("ledger_import", "done",
                                                      reverse("ledgerimport:batch", args=[batch.pk]))
    assert job.done == 7 and job.row_count == 4
    assert reverse("ledgerimport:batch", args=[batch.pk]) in client.get(response["Location"]).content.decode()
    in_background = _snapshot()
    assert len(in_background) == 4
    import_services.undo(ImportBatch.objects.get(pk=batch.pk), by=coordinator)

    settings.IMPORT_TASK_ROWS = 2000  # the same file, imported in the request as before
    batch = upload_and_map()
    response = client.post(reverse("ledgerimport:confirm", args=[batch.pk]), {"rows": "7"})
    assert response["Location"] == reverse("ledgerimport:batch", args=[batch.pk])
    assert _snapshot() == in_background


def test_an_import_that_fails_in_the_background_says_why_and_writes_nothing(client, coordinator, township, settings,
                                                                            monkeypatch):
    from ledgerimport import petitions as petition_rows
    from ledgerimport.engine import LedgerError

    def refusing(self, rows):
        raise LedgerError("第 5 行无法导入：测试。")

    monkeypatch.setattr(petition_rows.Writer, "write", refusing)
    client.force_login(coordinator)
    client.post(reverse("ledgerimport:index"), {"kind": "petitions",
                                                "file": SimpleUploadedFile("台账.xlsx", messy_ledger())})
    batch = ImportBatch.objects.get()
    mapping = dict(batch.mapping)
    mapping["9"] = "-"
    import_services.set_mapping(batch, by=coordinator, mapping=mapping, remember=False)
    settings.IMPORT_TASK_ROWS = 0
    response = client.post(reverse("ledgerimport:confirm", args=[batch.pk]), {"rows": "7"})
    job = Job.objects.get()
    assert job.status == "failed" and job.error == "第 5 行无法导入：测试。"
    assert "第 5 行无法导入：测试。" in client.get(response["Location"]).content.decode()
    batch.refresh_from_db()
    assert batch.state == "draft" and Petition.objects.count() == 0


def running_job(user, **fields):
    return Job.objects.create(township=user.staff.township, created_by=user, kind="petition_ledger", label="信访台账",
                              status="running", started_at=NOW, total=10, **fields)


def test_a_job_whose_worker_died_is_failed_when_its_page_asks_and_says_to_start_again(client, users, settings):
    # The worker reported 4 of 10 rows and was then killed: the job stays "running" in its row.
    settings.JOB_STALE_MINUTES = 15
    coordinator = users["coordinator"]
    job = running_job(coordinator)
    job_services.report_progress(job, 4, 10)
    client.force_login(coordinator)
    progress = reverse("jobs:progress", args=[job.pk])
    with time_machine.travel(NOW + datetime.timedelta(minutes=14), tick=False):
        fragment = client.get(progress).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "4 / 10" in fragment
    job.refresh_from_db()
    assert job.status == "running"
    # Progress that advances keeps it alive: 15 minutes counted from the last report, not the start.
    with time_machine.travel(NOW + datetime.timedelta(minutes=14), tick=False):
        job_services.report_progress(job, 6, 10)
    with time_machine.travel(NOW + datetime.timedelta(minutes=28), tick=False):
        assert 'hx-trigger="every 1s"' in client.get(progress).content.decode()
    with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
        fragment = client.get(progress).content.decode()
    assert "hx-trigger" not in fragment and 'data-status="failed"' in fragment
    assert "后台工作未能完成（后台进程已停止或服务器曾重启），未生成任何内容。请重新发起。" in fragment
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at == NOW + datetime.timedelta(minutes=30)
    assert not job_services._progress_path(job.pk).exists()
    assert "请重新发起" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    # The list of the user's jobs ends a stalled one too.
    other = running_job(coordinator)
    with time_machine.travel(NOW + datetime.timedelta(minutes=16), tick=False):
        listing = client.get(reverse("jobs:index")).content.decode()
    assert Job.objects.get(pk=other.pk).status == "failed" and "进行中" not in listing


def test_the_sweep_fails_only_running_jobs_silent_for_the_set_minutes(users, settings):
    from django.core.management import call_command

    settings.JOB_STALE_MINUTES = 20
    coordinator = users["coordinator"]
    silent = running_job(coordinator)  # died before its first report
    reporting = running_job(coordinator)
    queued = Job.objects.create(township=coordinator.staff.township, created_by=coordinator, kind="petition_ledger",
                                label="信访台账")  # waiting for a worker is not stalling
    done = running_job(coordinator)
    Job.objects.filter(pk=done.pk).update(status="done", finished_at=NOW)
    later = NOW + datetime.timedelta(minutes=21)
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        job_services.report_progress(reporting, 5, 10)
    with time_machine.travel(later, tick=False):
        call_command("purge_job_files")  # what cron or the systemd timer runs (docs/deployment.md)
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {silent.pk: "failed", reporting.pk: "running", queued.pk: "queued", done.pk: "done"}
    assert "请重新发起" in Job.objects.get(pk=silent.pk).error
    with time_machine.travel(NOW + datetime.timedelta(minutes=31), tick=False):
        job_services.sweep_stalled()
    assert Job.objects.get(pk=reporting.pk).status == "failed"


def test_a_slow_worker_that_finishes_after_the_sweep_still_records_its_file(client, users, three_petitions,
                                                                            settings, monkeypatch):
    # The sweep marks the job failed while the export is still writing; the export then finishes.
    settings.EXPORT_TASK_ROWS = 0
    original = job_services._succeed

    def late(job, outcome):
        with time_machine.travel(NOW + datetime.timedelta(minutes=settings.JOB_STALE_MINUTES + 1), tick=False):
            job_services.sweep_stalled()
        assert Job.objects.get(pk=job.pk).status == "failed"
        original(job, outcome)

    monkeypatch.setattr(job_services, "_succeed", late)
    client.force_login(users["coordinator"])
    client.get(reverse("reports:export_petitions"))
    job = Job.objects.get()
    assert job.status == "done" and job.file and job.error == ""
