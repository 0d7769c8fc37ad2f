"""The archive dossier off the request (docs/architecture.md §14): archiving records the case as archived
and queues the dossier in the same transaction; the worker renders and stores it; the case page shows the
job's progress, then the dossier; a failure shows its reason and 重试. The job is seen as its case is."""
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from disputes.mediation import documents as mediation_documents
from disputes.mediation import workflow as mediation_workflow
from disputes.models import MediationCase
from jobs import services as job_services
from jobs.models import Job
from office.documents import documents_of
from office.models import DocumentCounter, IssuedDocument
from petitions import workflow
from tests.builders import advance, register_petition
from tests.disputes.mediation.builders import case_in

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visited(users):
    return advance(register_petition(users["clerk"]), users, "visited")


def numbers_taken():
    return sorted(DocumentCounter.objects.values_list("kind", "last_number"))


def test_archiving_queues_the_dossier_and_the_worker_stores_it(client, users, visited, settings):
    settings.TASKS = QUEUE_ONLY  # the queue keeps the task: the worker runs it below
    numbered = list(documents_of(visited).exclude(number="").values_list("number", flat=True))
    taken = numbers_taken()
    client.force_login(users["clerk"])
    response = client.post(reverse("petitions:archive", args=[visited.pk]),
                           {"version": visited.version})
    assert response.status_code == 302
    visited.refresh_from_db()
    assert visited.status == "archived" and visited.events.filter(action="archive").exists()
    job = Job.objects.get()
    assert (job.kind, job.status, job.created_by, job.subject_id, job.township) == (
        "petition_dossier", "queued", users["clerk"], visited.pk, visited.township)
    assert not documents_of(visited).filter(kind="dossier").exists()

    page = client.get(reverse("petitions:detail", args=[visited.pk])).content.decode()
    assert 'data-testid="dossier-job"' in page and "卷宗生成中" in page
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}' in page and 'hx-trigger="every 1s"' in page

    job_services.run(job.pk)  # what manage.py db_worker does
    job.refresh_from_db()
    dossier = documents_of(visited).get(kind="dossier")
    assert job.status == "done" and job.done == job.total == 4 and not job.file
    assert job.result_url == reverse("petitions:download_document", args=[visited.pk, dossier.pk])
    assert dossier.title == f"信访事项卷宗（{visited.number}）" and dossier.issued_by == users["clerk"]
    # The dossier takes no 文号; the documents inside keep theirs, and no number was used twice or skipped.
    assert dossier.number == "" and numbers_taken() == taken
    assert sorted(documents_of(visited).exclude(number="").values_list("number", flat=True)) == sorted(numbered)

    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and job.result_url in fragment and "下载卷宗" in fragment
    page = client.get(reverse("petitions:detail", args=[visited.pk])).content.decode()
    assert 'data-testid="dossier-job"' not in page
    assert reverse("petitions:download_document", args=[visited.pk, dossier.pk]) in page
    assert client.get(job.result_url).status_code == 200
    job_services.run(job.pk)  # a task delivered twice makes no second dossier
    assert documents_of(visited).filter(kind="dossier").count() == 1


def test_the_progress_shows_on_the_case_page_as_steps(client, users, visited, settings):
    settings.TASKS = QUEUE_ONLY
    workflow.archive_petition(visited, by=users["clerk"])
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status="running")
    job_services.report_progress(job, 2, 4)
    client.force_login(users["coordinator"])  # not the archiver: the case's viewers see its dossier job
    page = client.get(reverse("petitions:detail", args=[visited.pk])).content.decode()
    assert 'value="50"' in page and "2 / 4" not in page  # steps, not rows
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'value="50"' in fragment and 'hx-trigger="every 1s"' in fragment


def test_archiving_that_fails_queues_nothing(users, visited, settings, monkeypatch):
    settings.TASKS = QUEUE_ONLY

    def broken(*args, **kwargs):
        raise RuntimeError("history table locked")

    monkeypatch.setattr("petitions.workflow.queue_dossier", lambda *a, **k: broken())
    with pytest.raises(RuntimeError):
        workflow.archive_petition(visited, by=users["clerk"])
    visited.refresh_from_db()
    assert visited.status == "visited" and not Job.objects.exists()


def test_a_failed_dossier_shows_its_reason_and_is_retried(client, users, visited, settings, monkeypatch):
    settings.TASKS = QUEUE_ONLY
    workflow.archive_petition(visited, by=users["clerk"])
    job = Job.objects.get()
    monkeypatch.setattr("petitions.documents.assemble_dossier", lambda *a, **k: 1 / 0)
    job_services.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not documents_of(visited).filter(kind="dossier").exists()
    monkeypatch.undo()

    detail = reverse("petitions:detail", args=[visited.pk])
    client.force_login(users["coordinator"])
    page = client.get(detail).content.decode()
    assert "卷宗未能生成" in page and "后台工作因意外错误中止" in page and 'data-testid="job-retry"' in page
    retry = reverse("jobs:retry", args=[job.pk])
    assert client.get(retry).status_code == 405
    # Only who holds the right to archive may retry (a handler of the case sees it but may not).
    client.force_login(users["handler"])
    page = client.get(detail).content.decode()
    assert "卷宗未能生成" in page and 'data-testid="job-retry"' not in page
    assert client.post(retry, {"next": detail}).status_code == 403
    assert Job.objects.count() == 1

    client.force_login(users["coordinator"])
    response = client.post(retry, {"next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    again = Job.objects.latest("pk")
    assert (again.status, again.created_by, again.subject_id) == ("queued", users["coordinator"], visited.pk)
    assert client.post(retry, {"next": detail}).status_code == 302 and Job.objects.count() == 2  # not twice
    job_services.run(again.pk)
    assert documents_of(visited).get(kind="dossier").issued_by == users["coordinator"]
    assert 'data-testid="dossier-job"' not in client.get(detail).content.decode()


def test_a_reopened_case_gets_no_dossier_from_the_old_job(users, visited, settings):
    settings.TASKS = QUEUE_ONLY
    workflow.archive_petition(visited, by=users["clerk"])
    visited.refresh_from_db()
    workflow.reopen_petition(visited, by=users["leader"], reason="当事人提供新证据")
    job = Job.objects.get()
    job_services.run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "重新" in job.error
    assert not documents_of(visited).filter(kind="dossier").exists()


def test_the_dossier_job_is_seen_as_its_case_is(client, users, outsider, visited, settings):
    settings.TASKS = QUEUE_ONLY
    workflow.archive_petition(visited, by=users["clerk"])
    job = Job.objects.get()
    for user in (users["clerk"], users["coordinator"], users["leader"]):
        client.force_login(user)
        for name in ("jobs:detail", "jobs:progress"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 200, (user, name)
    for user in (outsider, users["mediator"]):  # another township; a mediator who may not open the case
        client.force_login(user)
        for name in ("jobs:detail", "jobs:progress"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (user, name)
        assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404


def test_the_immediate_backend_stores_the_dossier_within_the_archiving(users, visited):
    """Tests and the demo run the job at once (the immediate backend): the dossier is there on return."""
    workflow.archive_petition(visited, by=users["clerk"])
    assert Job.objects.get().status == "done"
    assert documents_of(visited).filter(kind="dossier").count() == 1


def test_archiving_a_standard_mediation_queues_its_case_file(client, mediator, coordinator, settings):
    settings.TASKS = QUEUE_ONLY
    case = case_in(mediator, MediationCase.Status.VISITED)
    mediation_workflow.archive_case(case, by=coordinator)
    job = Job.objects.get()
    assert (job.kind, job.status, job.subject_id) == ("mediation_case_file", "queued", case.pk)
    client.force_login(coordinator)
    page = client.get(reverse("disputes:mediation_detail", args=[case.pk])).content.decode()
    assert "卷宗生成中" in page and 'hx-trigger="every 1s"' in page
    job_services.run(job.pk)
    job.refresh_from_db()
    case_file = documents_of(case).get(kind=mediation_documents.CASE_FILE_KIND)
    assert job.status == "done" and job.result_url == reverse("disputes:mediation_document",
                                                               args=[case.pk, case_file.pk])
    assert case_file.number == "" and case_file.title == f"人民调解卷宗（{case.number}）"
    page = client.get(reverse("disputes:mediation_detail", args=[case.pk])).content.decode()
    assert 'data-testid="dossier-job"' not in page and 'data-testid="case-file"' in page
    assert IssuedDocument.objects.filter(kind=mediation_documents.CASE_FILE_KIND).count() == 1


def test_the_dossier_job_is_read_with_the_case_page_no_query_more(client, users, visited, settings):
    """The job is a part of the case page's one statement (petitions/selectors.py petition_detail): the page
    of the archived case with its job waiting runs as many queries as the page before archiving."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = QUEUE_ONLY
    url = reverse("petitions:detail", args=[visited.pk])
    client.force_login(users["clerk"])

    def queries():
        client.get(url)  # the session is written and the caches warmed once
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        return len(ctx), page

    before, page = queries()
    assert 'data-testid="dossier-job"' not in page
    client.post(reverse("petitions:archive", args=[visited.pk]), {"version": visited.version})
    after, page = queries()
    assert 'data-testid="dossier-job"' in page and "卷宗生成中" in page
    assert after == before
