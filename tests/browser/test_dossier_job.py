"""The archive dossier in the browser: 归档 returns at once, the case page shows 卷宗生成中 and asks the server
once a second (htmx), and when the worker has stored the dossier the bar becomes 下载卷宗
(docs/architecture.md §14)."""
import pytest
from django.urls import reverse

from jobs import services as job_services
from jobs.models import Job
from office.documents import documents_of
from tests.builders import PASSWORD, advance, register_petition

from .conftest import login
from .test_petition_workflow_journey import act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dossier_is_made_in_the_background_while_the_page_watches(page, users, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    petition = advance(register_petition(users["clerk"]), users, "visited")
    case_url = f"{page.base_url}/petitions/{petition.pk}/"
    login(page, "clerk", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    act(page, case_url, "archive")
    box = page.locator("[data-testid=dossier-job]")
    assert "卷宗生成中" in box.inner_text()
    assert page.locator("[data-testid=job-progress]").get_attribute("data-status") == "queued"

    job_services.run(Job.objects.get(kind="petition_dossier").pk)  # the worker
    link = page.locator("[data-testid=job-result]")
    link.wait_for(timeout=15000)  # the next poll brings the finished fragment
    assert link.inner_text() == "下载卷宗"
    assert page.locator("[data-testid=job-progress]").get_attribute("data-status") == "done"
    dossier = documents_of(petition).get(kind="dossier")
    assert link.get_attribute("href") == reverse("petitions:download_document", args=[petition.pk, dossier.pk])
    page.reload()
    assert page.locator("[data-testid=dossier-job]").count() == 0
    assert "卷宗" in page.locator("[data-testid=documents]").inner_text()
