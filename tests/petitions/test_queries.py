"""Pages issue a constant number of queries whatever the data size (docs/architecture.md §5)."""
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions import services
from tests.builders import register_petition, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _still_clock():
    """A signed-in user's last activity is saved at most every 15 seconds (office/middleware.py): on a
    slow machine that write would fall between two measurements. The clock stands still instead."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def make_cases(clerk, count, people_per_case):
    cases = []
    for i in range(count):
        people = [
            {"name": f"人{i}-{j}", "id_number": valid_id_number(i * 10 + j), "phone": f"139{i:04d}{j:04d}"}
            for j in range(people_per_case)
        ]
        cases.append(register_petition(clerk, petitioners=people, title=f"事项{i}"))
    return cases


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_list_query_count_does_not_grow_with_cases_or_petitioners(client, clerk):
    client.force_login(clerk)
    make_cases(clerk, 2, 1)
    small = count_queries(client, reverse("petitions:index"))
    make_cases(clerk, 30, 3)
    large = count_queries(client, reverse("petitions:index"))
    assert small == large
    assert large <= 10
    searched = count_queries(client, reverse("petitions:index") + "?q=139&overdue=false&ordering=due_on")
    assert searched <= large + 1


def test_case_page_query_count_does_not_grow_with_petitioners_attachments_or_history(client, clerk):
    client.force_login(clerk)
    small_case = make_cases(clerk, 1, 1)[0]
    count_queries(client, reverse("petitions:detail", args=[small_case.pk]))  # warm the content-type cache
    small = count_queries(client, reverse("petitions:detail", args=[small_case.pk]))
    big_case = make_cases(clerk, 1, 6)[0]
    for i in range(5):
        services.add_attachment(
            big_case, by=clerk, upload=SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
            kind="letter",
        )
        big_case.refresh_from_db()
        services.update_registration(big_case, by=clerk, data={"title": f"改{i}"}, version=big_case.version)
    big = count_queries(client, reverse("petitions:detail", args=[big_case.pk]))
    assert small == big
    assert big <= 10  # the case and every list under it in one statement (selectors.petition_detail)
