"""The seven-level ladder (docs/domain.md §2.4), written once in office/escalation.py for petitions and
mediation: a case starts at its handler's rank, climbs one rank at a time, passes over a rank only where
nobody holds it for the case (and says so), and each rank is decided by its holder in the case's village
(ranks 1–4) or the township (5–7). Nobody else decides and nobody else is told.

Two villages: 青溪村 has all four village posts, 柳塘村 has no first secretary (rank 4)."""
import re

import pytest
from django.core.exceptions import PermissionDenied

from disputes.mediation import workflow as mediation_workflow
from office import escalation
from office.models import EscalationLevel, Notification
from office.roles import CLERK, COORDINATOR, HANDLER, LEADER, MEDIATOR
from petitions import workflow as petition_workflow
from petitions.selectors import visible_petitions
from tests.builders import advance, make_user, register_petition
from tests.disputes.mediation.builders import case_data, parties

pytestmark = pytest.mark.django_db


def level(rank):
    return EscalationLevel.objects.get(rank=rank)


@pytest.fixture
def ladder(township, center, justice, village, other_village):
    """Every post of the ladder, named by where it sits: ``qx2`` is 青溪村's rank 2, ``lt1`` 柳塘村's rank 1."""
    people = {
        "clerk": make_user(CLERK, township, unit=center, username="clerk"),
        "coordinator": make_user(COORDINATOR, township, unit=center, username="coordinator"),
        "leader5": make_user(LEADER, township, unit=center, username="leader", ladder_level=level(5)),
        "head6": make_user(HANDLER, township, unit=justice, username="handler", ladder_level=level(6)),
        "leader7": make_user(LEADER, township, unit=center, username="leader7", ladder_level=level(7)),
        "qx1": make_user(MEDIATOR, township, village=village, username="qx1", ladder_level=level(1)),
        "lt1": make_user(MEDIATOR, township, village=other_village, username="lt1", ladder_level=level(1)),
    }
    for rank in (2, 3, 4):
        people[f"qx{rank}"] = make_user(HANDLER, township, village=village, username=f"qx{rank}", ladder_level=level(rank))
    for rank in (2, 3):  # 柳塘村 has no first secretary
        people[f"lt{rank}"] = make_user(HANDLER, township, village=other_village, username=f"lt{rank}",
                                        ladder_level=level(rank))
    return people


def _mediation(ladder, village):
    from disputes.mediation import services

    mediator = ladder["qx1"] if village is not None and village.name == "青溪村" else ladder["lt1"]
    if village is None:
        mediator = ladder["qx1"]
    case = services.register_case(by=ladder["coordinator"], data=case_data([mediator], village=village),
                                  parties=parties())
    return mediation_workflow.FLOW, case, ladder["coordinator"]


def _petition(ladder, *, village=None, unit=None):
    users = {"clerk": ladder["clerk"], "leader": ladder["leader5"], "handler": ladder["head6"]}
    petition = advance(register_petition(ladder["clerk"]), users, "accepted")
    if village is not None or unit is not None:
        petition_workflow.assign_petition(petition, by=ladder["coordinator"], instruction="请办理",
                                          lead_leader=ladder["leader5"], unit=unit, village=village)
        petition.refresh_from_db()
    return petition_workflow.FLOW, petition, ladder["coordinator"]


# scenario: (how to build the case, the deciders rank by rank, the ranks passed over on the way)
SCENARIOS = {
    "mediation, 青溪村 committee": (lambda l, t: _mediation(l, t.villages.get(name="青溪村")),
                                  ["qx2", "qx3", "qx4", "leader5", "head6", "leader7"], []),
    "mediation, 柳塘村 committee (no first secretary)": (lambda l, t: _mediation(l, t.villages.get(name="柳塘村")),
                                                     ["lt2", "lt3", "leader5", "head6", "leader7"], [4]),
    "mediation, township committee": (lambda l, t: _mediation(l, None), ["head6", "leader7"], []),
    "petition at the township center": (lambda l, t: _petition(l), ["head6", "leader7"], []),
    "petition referred to a unit": (lambda l, t: _petition(l, unit=l["head6"].staff.unit), ["leader7"], []),
    "petition referred to 柳塘村": (lambda l, t: _petition(l, village=t.villages.get(name="柳塘村")),
                                 ["lt2", "lt3", "leader5", "head6", "leader7"], [4]),
    "petition referred to 青溪村": (lambda l, t: _petition(l, village=t.villages.get(name="青溪村")),
                                 ["qx2", "qx3", "qx4", "leader5", "head6", "leader7"], []),
}


def _raise(flow, case, by):
    if flow is petition_workflow.FLOW:
        return petition_workflow.raise_escalation(case, by=by, reason="难以化解")
    return mediation_workflow.raise_case_escalation(case, by=by, reason="难以化解")


def _decide(flow, request, by, approve=True):
    if flow is petition_workflow.FLOW:
        return petition_workflow.decide_escalation(request, by=by, approve=approve, comment="同意")
    return mediation_workflow.decide_case_escalation(request, by=by, approve=approve, comment="同意")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_rank_is_decided_by_its_holder_for_the_case_and_nobody_else(ladder, township, scenario,
                                                                          django_capture_on_commit_callbacks):
    build, deciders, passed_over = SCENARIOS[scenario]
    flow, case, requester = build(ladder, township)
    ranks_seen = []
    for name in deciders:
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            request = _raise(flow, case, requester)
        expected = ladder[name]
        assert request.to_level == expected.staff.ladder_level, (scenario, name)
        ranks_seen.append(request.to_level.rank)
        if request.to_level.rank == 5 and passed_over:
            assert "驻村第一书记" in request.passed_over and "柳塘村" in request.passed_over
        # Only the holders of that rank for the case are told.
        told = set(Notification.objects.values_list("user__username", flat=True))
        assert told == {expected.username}, (scenario, name, told)
        case.refresh_from_db()
        for other_name, other in ladder.items():
            if other is expected:
                continue
            assert not escalation.can_decide(other, request, case), (scenario, name, other_name)
            with pytest.raises(PermissionDenied):
                _decide(flow, request, other)
        # The decider may open the case (read-only), and it is in their queue 提级至我处.
        if flow is petition_workflow.FLOW:
            assert visible_petitions(expected).filter(pk=case.pk).exists()
        pending, _decided = escalation.asked_escalations(expected)
        assert [row.case.pk for row in pending] == [case.pk]
        assert escalation.pending_count(expected) == 1
        with django_capture_on_commit_callbacks(execute=True):
            _decide(flow, request, expected)
        case.refresh_from_db()
        assert case.ladder_level == request.to_level
        assert Notification.objects.filter(user=requester).exists()  # the requester is told the decision
        assert escalation.pending_count(expected) == 0
        assert [row.pk for row in escalation.asked_escalations(expected)[1]] == [request.pk]
    assert ranks_seen == sorted(ranks_seen)  # never down
    assert not {rank for rank in passed_over} & set(ranks_seen)
    with pytest.raises(petition_workflow.TransitionNotAllowed):
        _raise(flow, case, requester)  # the top of the ladder


def test_a_case_never_goes_down_when_a_lower_handler_takes_it(ladder, township):
    flow, petition, coordinator = _petition(ladder, unit=ladder["head6"].staff.unit)  # at rank 6
    assert escalation.current_level(flow, petition).rank == 6
    petition_workflow.return_referral(petition, by=ladder["head6"], reason="不属本单位职责")
    petition.refresh_from_db()
    request = _raise(flow, petition, coordinator)  # back with the center (rank 5): 5 → 6
    _decide(flow, request, ladder["head6"])
    petition.refresh_from_db()
    petition_workflow.assign_petition(petition, by=coordinator, instruction="请村里化解", lead_leader=ladder["leader5"],
                                      village=township.villages.get(name="青溪村"))
    petition.refresh_from_db()
    assert escalation.current_level(flow, petition).rank == 6  # a village now handles it: still rank 6
    assert _raise(flow, petition, coordinator).to_level.rank == 7


def test_the_decide_page_refuses_another_villages_holder_with_the_reason(ladder, township, client):
    flow, case, coordinator = _mediation(ladder, township.villages.get(name="柳塘村"))
    _raise(flow, case, coordinator)
    client.force_login(ladder["qx2"])  # 青溪村's village head, not 柳塘村's
    response = client.post(f"/disputes/mediation/{case.pk}/decide-escalation/",
                           {"version": case.version, "approve": "1", "comment": "同意"})
    assert response.status_code == 403
    assert "柳塘村" in response.content.decode()
    case.refresh_from_db()
    assert case.escalations.get().state == "pending" and case.ladder_level.rank == 1


def test_a_village_head_opens_a_petition_asked_of_them_and_decides_through_the_page(ladder, township, client):
    flow, petition, coordinator = _petition(ladder, village=township.villages.get(name="柳塘村"))
    request = _raise(flow, petition, coordinator)
    client.force_login(ladder["lt2"])
    menu = client.get("/")
    # The menu's counts are computed once, when the page first shows one (reports/context_processors.py).
    assert re.search(r'data-testid="escalations-to-me">[^<]*<span class="badge[^"]*">1</span>', menu.content.decode())
    queue = client.get("/escalations/")
    assert petition.number in queue.content.decode()
    page = client.get(f"/petitions/{petition.pk}/")
    assert page.status_code == 200 and page.context["can"].get("decide_escalation")
    response = client.post(f"/petitions/{petition.pk}/decide-escalation/",
                           {"version": petition.version, "escalation": request.pk, "approve": "1", "comment": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "approved" and request.decided_by == ladder["lt2"]
    # 青溪村's village head was never asked: the case stays out of sight.
    client.force_login(ladder["qx2"])
    assert client.get(f"/petitions/{petition.pk}/").status_code == 404


def test_the_deciders_message_is_a_task_that_clears_when_one_of_them_decides(ladder, township, village,
                                                                              django_capture_on_commit_callbacks):
    """The request is a task in each decider's messages (office/notify.py); deciding answers it for all."""
    with django_capture_on_commit_callbacks(execute=True):
        flow, case, by = _petition(ladder, village=village)
        request = _raise(flow, case, by)
    decider = ladder[f"qx{request.to_level.rank}"]
    asked = Notification.objects.filter(user=decider, task__endswith=":escalation")
    assert asked.get().done_at is None
    with django_capture_on_commit_callbacks(execute=True):
        _decide(flow, request, decider)
    assert asked.get().done_at is not None
