"""PDF documents of a petition, rendered from templates/pdf/ through office/pdf.py.

Notices and the reply are issued once and stored with their sha256 (office.documents); the
registration form is a working print and is rendered on request.
"""
from django.utils import timezone

from office.documents import assemble_dossier, documents_of, issue_document, read_document, store_document
from office.pdf import render_pdf

from .models import Petition

DECISION_NOTICES = {
    Petition.Status.ACCEPTED: ("acceptance_notice", "受理告知书", "pdf/petition_acceptance.html"),
    Petition.Status.NOT_ACCEPTED: ("non_acceptance_notice", "不予受理告知书", "pdf/petition_non_acceptance.html"),
    Petition.Status.FORWARDED: ("forward_notice", "转送告知书", "pdf/petition_forward.html"),
}


def _context(petition, **extra):
    return {
        "petition": petition,
        "township": petition.township,
        "parties": petition.parties.select_related("person"),
        "issued_on": timezone.localdate(),
        **extra,
    }


def registration_form(petition, *, full):
    """Render the registration form (信访登记表); personal data masked unless ``full``."""
    return render_pdf(
        "pdf/petition_registration.html",
        {"petition": petition, "parties": petition.parties.all(), "full": full, "printed_at": timezone.localtime()},
    )


def issue_decision_notice(petition, *, by):
    """Issue and store the notice of the decision just signed off."""
    kind, title, template = DECISION_NOTICES[petition.status]
    return issue_document(petition, kind=kind, title=f"{title}（{petition.number}）", template=template,
                          context=_context(petition), by=by, township=petition.township)


def issue_extension_notice(petition, extension, *, by):
    """Issue and store the 延期告知书 with the reason told to the petitioner (Art 34)."""
    return issue_document(petition, kind="extension_notice", title=f"延期告知书（{petition.number}）",
                          template="pdf/petition_extension.html", context=_context(petition, extension=extension),
                          by=by, township=petition.township)


def issue_reply(petition, *, by):
    """Issue and store the signed-off 信访事项处理意见书 as served."""
    return issue_document(petition, kind="reply", title=f"信访事项处理意见书（{petition.number}）",
                          template="pdf/petition_reply.html", context=_context(petition, reply=petition.reply),
                          by=by, township=petition.township)


def issue_dossier(petition, *, by):
    """Assemble and store the archive dossier (一人一案): cover, contents with page numbers, documents.

    The issued documents go in as stored (byte for byte the pages that were served); the
    registration form and the record of handling are rendered now, once, as part of the dossier.
    """
    parts = [("信访事项登记表", registration_form(petition, full=True))]
    for document in documents_of(petition).exclude(kind="dossier"):
        parts.append((document.title, read_document(document)))
    record = render_pdf("pdf/petition_record.html", _context(
        petition,
        events=petition.events.select_related("actor"),
        supervisions=petition.supervisions.select_related("created_by", "result_by"),
        visits=petition.return_visits.select_related("visited_by"),
        extensions=petition.extensions.select_related("requested_by", "decided_by"),
        escalations=petition.escalations.select_related("to_level", "requested_by", "decided_by"),
    ))
    parts.append(("办理过程记录", record))
    data = assemble_dossier(parts, lambda entries, total: render_pdf(
        "pdf/petition_dossier_front.html", _context(petition, entries=entries, total=total)))
    return store_document(petition, kind="dossier", title=f"信访事项卷宗（{petition.number}）", data=data,
                          by=by, township=petition.township)
