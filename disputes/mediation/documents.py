"""PDF documents of people's mediation, rendered from templates/pdf/ through office/pdf.py.

The agreement (人民调解协议书) is issued once when finalised and stored with its sha256
(office.documents); a correction issues a new version that supersedes the old one, which stays.
Drafts (with a 草稿 watermark), the application / registration form and the return-visit record
are working prints rendered on request. Archiving a standard-procedure case stores its case file
(卷宗, Art 27): the registration, the session records, every issued agreement version as stored, and
the return-visit records, behind a cover and contents.
"""
from django.utils import timezone
from django.utils.translation import pgettext

from office.documents import assemble_dossier, documents_of, issue_document, read_document, store_document
from office.pdf import render_pdf

AGREEMENT_KIND = "mediation_agreement"
CASE_FILE_KIND = "mediation_case_file"


def _parties(case):
    return list(case.party_links.select_related("person").order_by("position", "pk"))


def agreement_context(agreement, *, draft):
    """What the agreement template shows: the party snapshots, terms, performance and signatures."""
    case = agreement.case
    parties = list(agreement.parties.all())
    return {
        "agreement": agreement,
        "case": case,
        "parties": parties,
        "mediators": list(case.mediators.order_by("last_name", "username")),
        "copies": len(parties) + 1,  # one per party and one for the committee (Art 29)
        "draft": draft,
        "printed_at": timezone.localtime(),
    }


def render_agreement(agreement, *, draft):
    """Render the agreement; ``draft`` adds the 草稿 watermark (never stored)."""
    return render_pdf("pdf/mediation_agreement.html", agreement_context(agreement, draft=draft))


def issue_agreement(agreement, *, by, supersedes=None):
    """Render the finalised agreement once and store it; a correction passes the version it supersedes."""
    case = agreement.case
    return issue_document(
        case,
        kind=AGREEMENT_KIND,
        title=f"人民调解协议书（{agreement.number}）",
        template="pdf/mediation_agreement.html",
        context=agreement_context(agreement, draft=False),
        by=by,
        township=case.township,
        supersedes=supersedes,
    )


def application_form(case, *, full):
    """Render the application (申请书, for a party's application) and registration form (受理登记表)."""
    return render_pdf(
        "pdf/mediation_application.html",
        {
            "case": case,
            "parties": _parties(case),
            "mediators": list(case.mediators.order_by("last_name", "username")),
            "full": full,
            "printed_at": timezone.localtime(),
        },
    )


def return_visit_record(visit, *, full):
    """Render the record of one return visit (人民调解回访记录)."""
    case = visit.case
    agreement = getattr(case, "agreement", None)
    return render_pdf(
        "pdf/mediation_return_visit.html",
        {"case": case, "visit": visit, "agreement": agreement, "parties": _parties(case), "full": full,
         "printed_at": timezone.localtime()},
    )


CASE_FILE_STEPS = 4  # the registration form, the other records, the assembly, storing


def issue_case_file(case, *, by, progress=None):
    """Assemble and store the case file (人民调解卷宗, Art 27) of an archived standard-procedure case.

    Issued agreements go in as stored (byte for byte what the parties signed, every version); the
    registration form, the session records and the return-visit records are rendered now, once.
    Run by the background job that archiving queues (case_file.py); ``progress(step)`` counts to
    CASE_FILE_STEPS. The case file has no 文号: no number is taken.
    """
    progress = progress or (lambda step: None)
    # Each part is listed in the contents by the title printed on it (docs/domain.md §6).
    registration_title = (pgettext("document title", "Mediation application and registration form")
                          if case.source == "application" else pgettext("document title", "Mediation registration form"))
    parts = [(registration_title, application_form(case, full=True))]
    progress(1)
    sessions = list(case.sessions.select_related("recorded_by"))
    if sessions:
        parts.append((pgettext("document title", "Mediation session record"), render_pdf("pdf/mediation_sessions.html", {"case": case, "sessions": sessions})))
    for document in documents_of(case).filter(kind=AGREEMENT_KIND):
        number = case.agreement.number if hasattr(case, "agreement") else ""
        version = pgettext("document title", "version %(version)s") % {"version": document.version}
        parts.append((pgettext("document title", "Mediation agreement"), read_document(document),
                      f"{number} {version}".strip()))
    for visit in case.return_visits.filter(visited_on__isnull=False).select_related("visited_by"):
        parts.append((pgettext("document title", "Mediation return visit record"), return_visit_record(visit, full=True)))
    progress(2)
    agreement = getattr(case, "agreement", None)
    context = {"case": case, "agreement": agreement, "parties": _parties(case),
               "mediators": list(case.mediators.order_by("last_name", "username"))}
    data = assemble_dossier(parts, lambda entries, total: render_pdf(
        "pdf/mediation_case_file_front.html", {**context, "entries": entries, "total": total}))
    progress(3)
    return store_document(case, kind=CASE_FILE_KIND, title=f"人民调解卷宗（{case.number}）", data=data, by=by,
                          township=case.township)
