"""The case page's history: one row per move (the case and its agreement saved together are one row),
no row that says nothing, and an agreement's terms read as one sentence."""
from disputes.mediation import selectors, workflow
from disputes.models import MediationEvent
from office.history import join_items

from .builders import S, advance, case_in, register


def test_terms_are_joined_without_doubled_punctuation():
    assert join_items(["李四赔偿张三200元。", "双方不再争执。"]) == "李四赔偿张三200元；双方不再争执。"
    assert join_items(["甲；", " ", "乙"]) == "甲；乙。"
    assert join_items([]) == ""


def test_an_oral_agreement_note_reads_as_one_sentence(mediator):
    case = advance(register(mediator), mediator, S.MEDIATING)
    workflow.record_oral_agreement(case, by=mediator, agreed_on=case.registered_on,
                                   terms=["李四当场赔偿张三损失200元。", "双方今后友好相处。"], writing_waived=True,
                                   immediate_performance=True)
    note = MediationEvent.objects.filter(case=case).order_by("-pk").values_list("note", flat=True).first()
    assert "。；" not in note and "李四当场赔偿张三损失200元；双方今后友好相处。" in note


def test_the_history_has_one_row_per_move_and_no_empty_rows(mediator):
    case = selectors.case_detail(mediator, case_in(mediator, S.VISITED).pk)
    rows = selectors.case_history(case)
    keys = [(row["record"].history_user_id, row["record"].history_change_reason,
             row["record"].history_date.replace(microsecond=0)) for row in rows]
    assert len(keys) == len(set(keys))  # no move listed twice
    assert all(row["changes"] or row["record"].history_change_reason for row in rows)
    for row in rows:
        for _label, old, new in row["changes"]:
            assert "。；" not in str(old) + str(new)
