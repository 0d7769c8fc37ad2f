"""Each figure on a small known data set against hand-computed values, with the edge cases."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from petitions import workflow
from petitions.selectors import visible_petitions
from reports.figures import Figure, Period, petition_cases, petition_figures
from tests.builders import REPLY, advance, register_petition

pytestmark = pytest.mark.django_db
D = datetime.date
NOV = Period(D(2026, 11, 1), D(2026, 11, 30))


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")),
                               tick=False)


def figure(figures, key):
    return next(f for f in figures if f.key == key)


def test_rate_is_none_when_nothing_counts_and_never_divides_by_zero():
    assert Figure("x", "", "", 0, 0).rate is None
    assert Figure("x", "", "", 0, 0).meets_target is None
    assert Figure("x", "", "", 1, 3).rate == Decimal("33.3")
    assert Figure("x", "", "", 2, 3, target=Decimal(96)).meets_target is False


def test_an_empty_period_has_no_data_for_any_figure(users):
    figures = petition_figures(visible_petitions(users["leader"]), NOV, D(2026, 11, 29))
    assert all(f.denominator == 0 and f.rate is None for f in figures)


@pytest.fixture
def known(users):
    """Four November cases with hand-checked outcomes (today is 29 Nov 2026).

    A: received 2 Nov, decided 3 Nov (in time), replied 10 Nov (due 2 Jan: on time), satisfied.
    B: received 3 Nov, decided 25 Nov (due 18 Nov: late), not replied.
    C: received 4 Nov, not decided, decision due 19 Nov: overdue, counts as due.
    D: received 27 Nov, not decided, due 14 Dec: not yet due, not counted; a repeat of C's petitioner.
    """
    clerk, leader = users["clerk"], users["leader"]
    with at(D(2026, 11, 2)):
        a = register_petition(clerk, received_on=D(2026, 11, 2), petitioners=[{"name": "甲"}])
    with at(D(2026, 11, 3)):
        advance(a, users, "in_progress")
        workflow.submit_reply(a, by=users["handler"], **REPLY)
        workflow.approve_reply(a, by=leader)
    with at(D(2026, 11, 10)):
        workflow.serve_reply(a, by=clerk, served_on=D(2026, 11, 10), method="post")
    with at(D(2026, 11, 12)):
        workflow.record_opinion(a, by=clerk, opinion="satisfied", opinion_on=D(2026, 11, 12))
    with at(D(2026, 11, 3)):
        b = register_petition(clerk, received_on=D(2026, 11, 3), petitioners=[{"name": "乙"}])
    with at(D(2026, 11, 25)):
        advance(b, users, "accepted")
    with at(D(2026, 11, 4)):
        c = register_petition(clerk, received_on=D(2026, 11, 4), petitioners=[{"name": "丙", "id_number": "11010519491231002X"}])
    with at(D(2026, 11, 27)):
        d = register_petition(clerk, received_on=D(2026, 11, 27), petitioners=[{"name": "丙", "id_number": "11010519491231002X"}])
    return {"a": a, "b": b, "c": c, "d": d}


def test_figures_on_the_known_set(users, known):
    today = D(2026, 11, 29)
    figures = petition_figures(visible_petitions(users["leader"]), NOV, today)
    timely = figure(figures, "timely_decision")
    assert (timely.numerator, timely.denominator, timely.rate) == (1, 3, Decimal("33.3"))  # A of A, B, C
    on_time = figure(figures, "on_time_reply")
    assert (on_time.numerator, on_time.denominator, on_time.rate) == (0, 0, None)  # nothing fell due in November
    evaluation = figure(figures, "evaluation")
    assert (evaluation.numerator, evaluation.denominator) == (1, 1)
    satisfaction = figure(figures, "satisfaction")
    assert (satisfaction.numerator, satisfaction.denominator, satisfaction.rate) == (1, 1, Decimal("100.0"))
    repeat = figure(figures, "repeat")
    assert (repeat.numerator, repeat.denominator, repeat.rate) == (1, 4, Decimal("25.0"))
    cases = petition_cases(visible_petitions(users["leader"]), "timely_decision", NOV, today, part="denominator")
    assert set(cases) == {known["a"], known["b"], known["c"]}


def test_on_time_reply_when_the_limit_falls_due(users, known):
    # In January A's reply (served 10 Nov) fell due on its handling limit; B is past due unreplied.
    jan = Period(D(2027, 1, 1), D(2027, 1, 31))
    figures = petition_figures(visible_petitions(users["leader"]), jan, D(2027, 2, 1))
    on_time = figure(figures, "on_time_reply")
    assert (on_time.numerator, on_time.denominator) == (1, 2)


def test_evaluation_window_expired_counts_in_the_denominator_only(users):
    with at(D(2026, 9, 1)):
        p = register_petition(users["clerk"], received_on=D(2026, 9, 1))
        advance(p, users, "replied")
    figures = petition_figures(visible_petitions(users["leader"]), Period(D(2026, 9, 1), D(2026, 9, 30)), D(2026, 11, 29))
    evaluation = figure(figures, "evaluation")
    assert (evaluation.numerator, evaluation.denominator, evaluation.rate) == (0, 1, Decimal("0.0"))
    assert figure(figures, "satisfaction").rate is None  # nothing evaluated: no satisfaction rate


def test_return_visit_rate(users):
    with at(D(2026, 7, 1)):
        p = register_petition(users["clerk"], received_on=D(2026, 7, 1))
        workflow.propose_decision(p, by=users["clerk"], decision="accept", reasons="符合", case_class=1)
        p.refresh_from_db()
        advance(p, users, "evaluated")
    visit = p.return_visits.get()
    period = Period(visit.due_on.replace(day=1), visit.due_on)
    figures = petition_figures(visible_petitions(users["leader"]), period, visit.due_on + datetime.timedelta(days=1))
    assert (figure(figures, "return_visit").numerator, figure(figures, "return_visit").denominator) == (0, 1)
    with at(visit.due_on):
        workflow.record_return_visit(p, by=users["coordinator"], visited_on=visit.due_on, method="phone", reached=True,
                                     result="满意")
    figures = petition_figures(visible_petitions(users["leader"]), period, visit.due_on + datetime.timedelta(days=1))
    assert figure(figures, "return_visit").rate == Decimal("100.0")
