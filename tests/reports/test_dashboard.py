"""The dashboard: each role sees only what it may; a bounded number of queries at any data size."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import petition_in_state, register_petition, valid_id_number

pytestmark = pytest.mark.django_db


def get(client, user, url="/", **params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def test_dashboard_query_count_is_bounded_at_any_data_size(client, users):
    petition_in_state(users, "in_progress")
    get(client, users["leader"])  # warm caches
    _, small = get(client, users["leader"])
    for i in range(25):
        register_petition(users["clerk"], petitioners=[{"name": f"人{i}", "id_number": valid_id_number(i)}])
    for state in ("replied", "evaluated", "archived"):
        petition_in_state(users, state)
    _, large = get(client, users["leader"])
    assert small == large <= 10  # the counts, figures and two charts in the menu's one query


def test_each_role_sees_only_its_parts(client, users):
    petition_in_state(users, "decision_review")
    body, _ = get(client, users["leader"])
    assert 'data-testid="figures"' in body and 'data-testid="charts"' in body and 'data-testid="my-work"' in body
    body, _ = get(client, users["clerk"])
    assert 'data-testid="figures"' not in body and 'data-testid="my-work"' in body
    assert 'data-testid="missing-rounds"' not in body  # clerks have no disputes section
    body, _ = get(client, users["mediator"])
    # A village mediator's home is their work (issue 12 §1): no chase list naming themselves.
    assert 'data-testid="mediator-home"' in body and 'data-testid="my-work"' not in body
    assert 'data-testid="missing-rounds"' not in body
    assert "青溪村" in body and "柳塘村" not in body  # only the mediator's own village


def test_the_leader_sees_the_decision_waiting_for_sign_off(client, users):
    petition = petition_in_state(users, "decision_review")
    body, _ = get(client, users["leader"])
    work = body.split('data-testid="my-work"')[1].split("</table>")[0]
    assert petition.number in work
    body, _ = get(client, users["handler"])
    assert petition.number not in body.split('data-testid="my-work"')[1].split("</table>")[0]


def test_a_period_with_no_data_says_so_instead_of_dividing_by_zero(client, users):
    body, _ = get(client, users["leader"], month="2020-01")
    assert body.count("本期暂无数据") >= 7


def test_an_invalid_period_is_a_form_error(client, users):
    body, _ = get(client, users["leader"], start="2026-11-30", end="2026-11-01")
    assert "开始日期不能晚于结束日期" in body


def test_each_number_links_to_the_cases_behind_it(client, users):
    from django.utils import timezone

    today = timezone.localdate()
    petition = register_petition(users["clerk"], received_on=today)
    client.force_login(users["leader"])
    url = reverse("reports:figure_cases", args=["repeat"]) + f"?start={today.replace(day=1)}&end={today}&part=denominator"
    body = client.get(url).content.decode()
    assert petition.number in body
    assert client.get(reverse("reports:figure_cases", args=["nonsense"]) + f"?start={today}&end={today}").status_code == 404
    client.force_login(users["clerk"])
    assert client.get(url).status_code == 403
