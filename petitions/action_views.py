"""One view per workflow action: GET shows a small confirmation form, POST calls one workflow function."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from office import escalation
from office.forms import apply_errors
from office.views import require_section
from office.workflow import WorkflowError

from . import action_forms as f
from . import permissions as p
from . import selectors, workflow


def make_action_view(action, form_class, permission, perform, *, help_text=""):
    """Build the view for one action: 404 for an unseen case, 403 for a user who may not act."""

    def view(request, pk):
        require_section(request, "petitions:index")
        petition = selectors.get_petition_for_user(request.user, pk)
        if not permission(request.user, petition):
            raise PermissionDenied
        form = form_class(request.POST or None, petition=petition, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                perform(petition, request.user, data, version)
            except ValidationError as error:
                apply_errors(form, error)
            except WorkflowError as error:
                messages.error(request, str(error))
                return redirect("petitions:detail", pk=petition.pk)
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": workflow.ACTION_LABELS[action]})
                return redirect("petitions:detail", pk=petition.pk)
        return render(request, "petitions/petition_action.html", {
            "petition": petition, "form": form, "action": action,
            "title": workflow.ACTION_LABELS[action], "help_text": help_text,
        })

    view.permission = permission
    view.__name__ = f"{action}_view"
    view.__doc__ = f"Confirm and perform “{action}” on one case."
    return view


def _v(fn, **fixed):
    """Adapt a workflow function taking (petition, by=, **data, expected_version=)."""
    return lambda petition, user, data, version: fn(petition, by=user, expected_version=version, **fixed, **data)


def _unversioned(fn):
    return lambda petition, user, data, version: fn(petition, by=user, **data)


ACTION_VIEWS = {
    "propose_decision": make_action_view("propose_decision", f.ProposeDecisionForm, p.can_propose_decision,
                                         _v(workflow.propose_decision)),
    "approve_decision": make_action_view("approve_decision", f.CommentForm, p.can_approve_decision,
                                         _v(workflow.approve_decision)),
    "reject_decision": make_action_view("reject_decision", f.RequiredCommentForm, p.can_approve_decision,
                                        _v(workflow.reject_decision)),
    "assign": make_action_view("assign", f.AssignForm, p.can_assign, _v(workflow.assign_petition)),
    "sign_for": make_action_view("sign_for", f.ConfirmForm, p.can_respond_to_referral,
                                 _v(workflow.sign_for_petition)),
    "return_referral": make_action_view("return_referral", f.ReasonForm, p.can_respond_to_referral,
                                        _v(workflow.return_referral)),
    "add_note": make_action_view("add_note", f.NoteForm, p.can_add_note, _unversioned(workflow.add_progress_note)),
    "supervise": make_action_view("supervise", f.SuperviseForm, p.can_supervise,
                                  _unversioned(workflow.supervise_petition)),
    "record_supervision_result": make_action_view(
        "record_supervision_result", f.SupervisionResultForm, p.can_record_supervision_result,
        lambda petition, user, data, version: workflow.record_supervision_result(
            data["supervision"], by=user, result=data["result"]),
    ),
    "request_extension": make_action_view("request_extension", f.ExtensionForm, p.can_request_extension,
                                          _v(workflow.request_extension)),
    "approve_extension": make_action_view("approve_extension", f.CommentForm, p.can_approve_extension,
                                          _v(workflow.approve_extension)),
    "reject_extension": make_action_view("reject_extension", f.RequiredCommentForm, p.can_approve_extension,
                                         _v(workflow.reject_extension)),
    "submit_reply": make_action_view("submit_reply", f.ReplyForm, p.can_draft_reply, _v(workflow.submit_reply)),
    "approve_reply": make_action_view("approve_reply", f.CommentForm, p.can_approve_reply,
                                      _v(workflow.approve_reply)),
    "reject_reply": make_action_view("reject_reply", f.RequiredCommentForm, p.can_approve_reply,
                                     _v(workflow.reject_reply)),
    "serve_reply": make_action_view("serve_reply", f.ServeForm, p.can_serve_reply, _v(workflow.serve_reply)),
    "record_opinion": make_action_view("record_opinion", f.OpinionForm, p.can_record_opinion,
                                       _v(workflow.record_opinion)),
    "close_evaluation": make_action_view("close_evaluation", f.ConfirmForm, p.can_record_opinion,
                                         _v(workflow.close_evaluation)),
    "record_return_visit": make_action_view("record_return_visit", f.ReturnVisitForm, p.can_record_return_visit,
                                            _v(workflow.record_return_visit)),
    "archive": make_action_view("archive", f.ConfirmForm, p.can_archive, _v(workflow.archive_petition)),
    "reopen": make_action_view("reopen", f.ReasonForm, p.can_reopen, _v(workflow.reopen_petition)),
    "raise_escalation": make_action_view("raise_escalation", f.EscalateForm, p.can_raise_escalation,
                                         _v(workflow.raise_escalation)),
    "decide_escalation": make_action_view(
        "decide_escalation", f.DecideEscalationForm,
        escalation.may_decide_pending,
        lambda petition, user, data, version: workflow.decide_escalation(
            data["escalation"], by=user, approve=data["approve"], comment=data["comment"]),
    ),
}


def available_actions(user, petition):
    """Return the actions this user may take on this case now: the ``can`` dict of the case page."""
    can = {}
    for action, (states, _to) in workflow.TRANSITIONS.items():
        if petition.status not in states:
            continue
        if action == "decide_escalation":
            allowed = escalation.may_decide_pending(user, petition, petition.pending_escalations)
        elif action in ("approve_extension", "reject_extension"):
            allowed = bool(petition.pending_extensions) and p.can_approve_extension(user, petition)
        elif action == "record_supervision_result":
            allowed = bool(petition.open_supervisions) and p.can_record_supervision_result(user, petition)
        elif action == "request_extension":
            allowed = not petition.has_extension and p.can_request_extension(user, petition)
        elif action == "close_evaluation":
            allowed = workflow.opinion_window_expired(petition) and p.can_record_opinion(user, petition)
        elif action == "raise_escalation":
            allowed = not petition.pending_escalations and p.can_raise_escalation(user, petition)
        else:
            allowed = ACTION_VIEWS[action].permission(user, petition)
        if allowed:
            can[action] = True
    return can
