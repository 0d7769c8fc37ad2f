"""PDF documents of a petition, rendered from templates/pdf/ through office/pdf.py.

Notices and the reply are issued once and stored with their sha256 (office.documents); the
registration form is a working print and is rendered on request.
"""
from django.utils import timezone

from office.documents import assemble_dossier, documents_of, issue_document, read_document, store_document
from office.pdf import render_pdf

from .models import Petition

# kind: (the title printed on the document, which is also its title in the dossier's contents; template)
DECISION_NOTICES = {
    Petition.Status.ACCEPTED: ("acceptance_notice", "受理告知书", "pdf/petition_acceptance.html"),
    Petition.Status.NOT_ACCEPTED: ("non_acceptance_notice", "不予受理告知书", "pdf/petition_non_acceptance.html"),
    Petition.Status.FORWARDED: ("forward_notice", "转送告知书", "pdf/petition_forward.html"),
}
EXTENSION_TITLE = "延期办理告知书"
REPLY_TITLE = "信访事项处理意见书"
REPORT_TITLE = "信访事项办理情况报告"


def _context(petition, **extra):
    parties = list(petition.parties.select_related("person"))
    return {
        "petition": petition,
        "township": petition.township,
        "parties": parties,
        # 你 for one petitioner, 你们 for several (docs/domain.md §6).
        "you": "你" if len(parties) <= 1 else "你们",
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
    return issue_document(petition, kind=kind, title=title, template=template, context=_context(petition, doc_title=title),
                          by=by, township=petition.township, numbered=True)


def issue_extension_notice(petition, extension, *, by):
    """Issue and store the 延期办理告知书 with the reason told to the petitioner (Art 34)."""
    return issue_document(petition, kind="extension_notice", title=EXTENSION_TITLE,
                          template="pdf/petition_extension.html",
                          context=_context(petition, extension=extension, doc_title=EXTENSION_TITLE),
                          by=by, township=petition.township, numbered=True)


def reply_preview(petition):
    """Render the reply as it will print, for the leader who signs it off (never stored, no number yet)."""
    return render_pdf("pdf/petition_reply.html", _context(petition, reply=petition.reply, doc_title=REPLY_TITLE,
                                                         doc_number="（文号于送达时编排）", preview=True))


def issue_reply(petition, *, by):
    """Issue and store the signed-off 信访事项处理意见书 as served."""
    return issue_document(petition, kind="reply", title=REPLY_TITLE, template="pdf/petition_reply.html",
                          context=_context(petition, reply=petition.reply, doc_title=REPLY_TITLE),
                          by=by, township=petition.township, numbered=True)


def issue_report_back(petition, *, by):
    """Issue and store the 信访事项办理情况报告 to the organ that assigned the case (Art 22 ¶1 (三))."""
    return issue_document(petition, kind="report_back", title=REPORT_TITLE, template="pdf/petition_report_back.html",
                          context=_context(petition, reply=getattr(petition, "reply", None), doc_title=REPORT_TITLE),
                          by=by, township=petition.township, numbered=True)


DOSSIER_STEPS = 4  # the registration form, the record of handling, the assembly, storing


def issue_dossier(petition, *, by, progress=None):
    """Assemble and store the archive dossier (一人一案): cover, contents with page numbers, documents.

    The issued documents go in as stored (byte for byte the pages that were served); the
    registration form and the record of handling are rendered now, once, as part of the dossier.
    Run by the background job that archiving queues (petitions/dossier.py); ``progress(step)`` counts
    to DOSSIER_STEPS. The dossier has no 文号: no number is taken.
    """
    progress = progress or (lambda step: None)
    parts = [("信访事项登记表", registration_form(petition, full=True))]
    progress(1)
    for document in documents_of(petition).exclude(kind="dossier"):
        parts.append((document.title, read_document(document), document.number))
    record = render_pdf("pdf/petition_record.html", _context(
        petition,
        reply=getattr(petition, "reply", None),
        events=petition.events.select_related("actor"),
        supervisions=petition.supervisions.select_related("created_by", "result_by"),
        visits=petition.return_visits.select_related("visited_by"),
        extensions=petition.extensions.select_related("requested_by", "decided_by"),
        escalations=petition.escalations.select_related("to_level", "requested_by", "decided_by"),
    ))
    parts.append(("信访事项办理过程记录", record))
    progress(2)
    data = assemble_dossier(parts, lambda entries, total: render_pdf(
        "pdf/petition_dossier_front.html", _context(petition, entries=entries, total=total)))
    progress(3)
    return store_document(petition, kind="dossier", title=f"信访事项卷宗（{petition.number}）", data=data,
                          by=by, township=petition.township)
