"""One action-view kit: turn a move of a case-kit Flow into a confirmation page (docs/architecture.md §3).

GET shows a small form (with the page's hidden ``version``); POST validates it and calls the move's
one workflow function. The right checked here is the Flow's own ``rights[action]`` — the function
the move itself checks — so the page, the button and the rule cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .casekit import Flow
from .escalation import require_section_or_asked
from .forms import apply_errors
from .roles import read_only_refusal
from .workflow import WorkflowError

Perform = Callable[[Any, Any, dict, int | None], Any]


def versioned(fn: Callable) -> Perform:
    """Adapt a workflow function taking ``(case, by=, **data, expected_version=)``."""
    return lambda case, user, data, version: fn(case, by=user, expected_version=version, **data)


def unversioned(fn: Callable) -> Perform:
    """Adapt a workflow function that takes no page version (a note that changes no field)."""
    return lambda case, user, data, version: fn(case, by=user, **data)


@dataclass(frozen=True)
class ActionPages:
    """How one area shows its action pages: its Flow, how a user fetches a case, and the template."""

    flow: Flow
    get_case: Callable[[Any, int], Any]  # (user, pk) -> the case, or a 404 when the user may not see it
    section: str  # the menu section a user must have (office.views.require_section)
    detail_url: str  # the URL name of the case page
    template: str
    case_name: str = "case"  # the case's name in the page's template
    extra_context: Callable[[Any, str], Mapping] = field(default=lambda case, action: {})
    # Where a user goes when the move took the case out of their sight (a returned referral): their queue.
    queue_url: Callable[[Any], str] | None = None

    def after(self, user, case) -> str:
        """The case page when the user may still see it, else their queue (never a "not found" page)."""
        try:
            self.get_case(user, case.pk)
        except Http404:
            if self.queue_url is not None:
                return self.queue_url(user)
            raise
        return reverse(self.detail_url, args=[case.pk])

    def view(self, action: str, form_class, perform: Perform, *, help_text: str = "",
             then: Callable[[Any, Any], str | None] | None = None):
        """Build the view for one action: 404 for an unseen case, 403 for a user who may not act.

        ``then(user, case)`` may name where to go once the move is done (a leader's sign-off goes
        back to their queue, with the next item on top); by default, the case page.
        """
        right = self.flow.rights[action]
        title = self.flow.action_labels[action]

        @require_http_methods(["GET", "POST"])
        def view(request, pk):
            # The person asked to decide an escalation may open it whatever their menu (docs/domain.md §2.4).
            case = require_section_or_asked(request, self.section, lambda: self.get_case(request.user, pk))
            if not right(request.user, case):
                refusal = self.flow.refusals.get(action)
                # A county user reads the case and is told why nothing here is theirs to do (§10).
                raise PermissionDenied(refusal(request.user, case) if refusal else read_only_refusal(request.user))
            form = form_class(request.POST or None, case=case, user=request.user)
            if request.method == "POST" and form.is_valid():
                data = dict(form.cleaned_data)
                version = data.pop("version")
                try:
                    perform(case, request.user, data, version)
                except ValidationError as error:
                    apply_errors(form, error)
                except WorkflowError as error:
                    # An error that lists what the form lacks (an incomplete agreement) stays on the form.
                    listed = getattr(error, "form_errors", None)
                    if listed is None:
                        messages.error(request, str(error))
                        return redirect(self.detail_url, pk=case.pk)
                    for item in listed:
                        form.add_error(None, item)
                else:
                    messages.success(request, _("Done: %(action)s.") % {"action": title})
                    target = then(request.user, case) if then is not None else None
                    return redirect(target or self.after(request.user, case))
            return render(request, self.template, {
                self.case_name: case, "form": form, "action": action, "title": title, "help_text": help_text,
                "allowed": case.status in self.flow.transitions[action][0],
                **self.extra_context(case, action),
            })

        view.__name__ = f"{action}_view"
        view.__doc__ = f"Confirm and perform “{action}” on one case."
        return view
