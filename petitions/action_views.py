"""One view per workflow action: GET shows a small confirmation form, POST calls one workflow function
(the office.actions kit, with the petition Flow's own rights)."""
from django.urls import reverse

from office import escalation
from office.actions import ActionPages, unversioned, versioned

from . import action_forms as f
from . import selectors, workflow

PAGES = ActionPages(
    flow=workflow.FLOW,
    get_case=selectors.get_petition_for_user,
    section="petitions:index",
    detail_url="petitions:detail",
    template="petitions/petition_action.html",
    case_name="petition",
    queue_url=lambda user: selectors.queue_home(user),
    extra_context=lambda petition, action: {
        "step": escalation.next_step(workflow.FLOW, petition) if action == "raise_escalation" else None},
)


def _back_to_sign_offs(user, petition):
    """After a sign-off, a leader goes back to 待我审批 (the next item on top), not to the case."""
    if "sign-offs" in selectors.queues_for(user):
        return reverse("petitions:queue", args=["sign-offs"])
    return None


SIGN_OFF = {"then": _back_to_sign_offs}


def _decide_escalation(petition, user, data, version):
    return workflow.decide_escalation(data["escalation"], by=user, approve=data["approve"], comment=data["comment"])


def _record_supervision_result(petition, user, data, version):
    return workflow.record_supervision_result(data["supervision"], by=user, result=data["result"])


ACTION_VIEWS = {
    "propose_decision": PAGES.view("propose_decision", f.ProposeDecisionForm, versioned(workflow.propose_decision)),
    "approve_decision": PAGES.view("approve_decision", f.CommentForm, versioned(workflow.approve_decision), **SIGN_OFF),
    "reject_decision": PAGES.view("reject_decision", f.RequiredCommentForm, versioned(workflow.reject_decision), **SIGN_OFF),
    "assign": PAGES.view("assign", f.AssignForm, versioned(workflow.assign_petition)),
    "sign_for": PAGES.view("sign_for", f.ConfirmForm, versioned(workflow.sign_for_petition)),
    "return_referral": PAGES.view("return_referral", f.ReasonForm, versioned(workflow.return_referral)),
    "add_note": PAGES.view("add_note", f.NoteForm, unversioned(workflow.add_progress_note)),
    "supervise": PAGES.view("supervise", f.SuperviseForm, unversioned(workflow.supervise_petition)),
    "record_supervision_result": PAGES.view("record_supervision_result", f.SupervisionResultForm,
                                            _record_supervision_result),
    "request_extension": PAGES.view("request_extension", f.ExtensionForm, versioned(workflow.request_extension)),
    "approve_extension": PAGES.view("approve_extension", f.CommentForm, versioned(workflow.approve_extension), **SIGN_OFF),
    "reject_extension": PAGES.view("reject_extension", f.RequiredCommentForm, versioned(workflow.reject_extension), **SIGN_OFF),
    "submit_reply": PAGES.view("submit_reply", f.ReplyForm, versioned(workflow.submit_reply)),
    "approve_reply": PAGES.view("approve_reply", f.CommentForm, versioned(workflow.approve_reply), **SIGN_OFF),
    "reject_reply": PAGES.view("reject_reply", f.RequiredCommentForm, versioned(workflow.reject_reply), **SIGN_OFF),
    "serve_reply": PAGES.view("serve_reply", f.ServeForm, versioned(workflow.serve_reply)),
    "record_opinion": PAGES.view("record_opinion", f.OpinionForm, versioned(workflow.record_opinion)),
    "close_evaluation": PAGES.view("close_evaluation", f.ConfirmForm, versioned(workflow.close_evaluation)),
    "record_return_visit": PAGES.view("record_return_visit", f.ReturnVisitForm, versioned(workflow.record_return_visit)),
    "report_back": PAGES.view("report_back", f.ReportBackForm, versioned(workflow.report_back)),
    "archive": PAGES.view("archive", f.ConfirmForm, versioned(workflow.archive_petition)),
    "reopen": PAGES.view("reopen", f.ReasonForm, versioned(workflow.reopen_petition)),
    "raise_escalation": PAGES.view("raise_escalation", f.EscalateForm, versioned(workflow.raise_escalation)),
    "decide_escalation": PAGES.view("decide_escalation", f.DecideEscalationForm, _decide_escalation, **SIGN_OFF),
    "mark_major": PAGES.view("mark_major", f.ReasonForm, versioned(workflow.mark_major)),
    "report_major": PAGES.view("report_major", f.MajorReportForm, versioned(workflow.report_major)),
}


def available_actions(user, petition):
    """Return the actions this user may take on this case now: the ``can`` dict of the case page."""
    return workflow.FLOW.offers(user, petition)
