"""Agreement and case numbers under concurrency, on PostgreSQL: gap-free, never taken twice."""
import pytest
from django.db import connection

from disputes.mediation import workflow
from disputes.models import MediationAgreement, MediationCase
from office.workflow import WorkflowError

from ..screening.test_concurrency import race
from .builders import case_in, draft, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"),
]
S = MediationCase.Status


def test_agreements_finalised_at_once_get_distinct_gap_free_numbers(mediator):
    cases = [case_in(mediator, S.MEDIATING) for _ in range(6)]
    for case in cases:
        draft(case, mediator)
    results = race(*[lambda case=case: workflow.finalise_agreement(case, by=mediator) for case in cases])
    assert all(isinstance(result, MediationCase) for result in results), results
    numbers = list(MediationAgreement.objects.order_by("sequence").values_list("sequence", "number"))
    assert [sequence for sequence, _number in numbers] == [1, 2, 3, 4, 5, 6]
    assert len({number for _sequence, number in numbers}) == 6


def test_one_agreement_finalised_twice_at_once_is_numbered_once(mediator):
    case = case_in(mediator, S.MEDIATING)
    draft(case, mediator)
    results = race(lambda: workflow.finalise_agreement(case, by=mediator),
                   lambda: workflow.finalise_agreement(case, by=mediator))
    assert sum(isinstance(result, MediationCase) for result in results) == 1
    assert sum(isinstance(result, WorkflowError) for result in results) == 1
    case.agreement.refresh_from_db()
    assert case.agreement.sequence == 1 and case.events.filter(action="finalise_agreement").count() == 1
    assert case.agreement.document.version == 1


def test_cases_registered_at_once_get_distinct_gap_free_numbers(mediator):
    results = race(*[lambda: register(mediator) for _ in range(8)])
    assert all(isinstance(result, MediationCase) for result in results), results
    assert sorted(MediationCase.objects.values_list("sequence", flat=True)) == list(range(1, 9))
