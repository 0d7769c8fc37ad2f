"""The archive dossier (一人一案) made in the background (docs/architecture.md §14): archiving queues it in
its own transaction, the worker renders and stores it (petitions.documents.issue_dossier)."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.cases import register_case_work
from jobs.registry import JobError

from . import documents
from .models import Petition
from .selectors import visible_petitions

KIND = "petition_dossier"


def _make(petition, user, progress):
    if petition.status != Petition.Status.ARCHIVED:
        raise JobError(_("The case was reopened before its dossier was made: it gets one when archived again."))
    document = documents.issue_dossier(petition, by=user, progress=progress)
    return reverse("petitions:download_document", args=[petition.pk, document.pk])


queue_dossier, dossier_jobs = register_case_work(
    KIND, gettext_lazy("Petition dossier"), model=Petition, visible=visible_petitions,
    # The right to archive (permissions.can_archive, less the township: the job is about a case the user sees).
    allowed=lambda user: user.has_perm("petitions.process_petition"),
    make=_make, steps=documents.DOSSIER_STEPS, result_label=gettext_lazy("Download the dossier"))
