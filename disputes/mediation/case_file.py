"""The case file (人民调解卷宗) of an archived standard-procedure case, made in the background
(docs/architecture.md §14): archiving queues it in its own transaction, the worker renders and stores it
(documents.issue_case_file)."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.cases import register_case_work
from jobs.registry import JobError

from ..models import MediationCase
from . import documents
from .selectors import visible_cases

KIND = "mediation_case_file"


def _make(case, user, progress):
    if case.status != MediationCase.Status.ARCHIVED:
        raise JobError(_("The case was reopened before its dossier was made: it gets one when archived again."))
    document = documents.issue_case_file(case, by=user, progress=progress)
    return reverse("disputes:mediation_document", args=[case.pk, document.pk])


queue_case_file, case_file_jobs = register_case_work(
    KIND, gettext_lazy("Mediation case file"), model=MediationCase, visible=visible_cases,
    # The right to archive (permissions.can_follow_up, less the case: the job is about a case the user sees).
    allowed=lambda user: user.has_perm("disputes.mediate_mediationcase") or user.has_perm(
        "disputes.supervise_mediationcase"),
    make=_make, steps=documents.CASE_FILE_STEPS, result_label=gettext_lazy("Download the case file"))
