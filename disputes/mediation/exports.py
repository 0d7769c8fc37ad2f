"""The mediation ledger (调解台账) as an Excel file, one row per case (through office/excel.py).

The reports section serves it (reports/views.py export_mediation_ledger) with the list's filters.
"""
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from office.excel import Column, cell_lines, unit_footer, write_table
from office.masking import mask_id_number

from ..models import MediationCase, MediationParty, MediationReturnVisit

# Each header has its own message id in this context (docs/architecture.md §8).
# Header context ("mediation ledger") written as a literal in each call: makemessages extracts only literal contexts.


def mediation_ledger_columns():
    """The mediation ledger's columns with their two-row Chinese headers."""
    return [
        Column((pgettext("mediation ledger", "No."),), 6),
        Column((pgettext("mediation ledger", "Case number"),), 12),
        Column((pgettext("mediation ledger", "Registered"),), 11),
        Column((pgettext("mediation ledger", "Mediation committee"),), 14),
        Column((pgettext("mediation ledger", "Source"),), 10),
        Column((pgettext("mediation ledger", "Dispute"),), 22, wrap=True),
        Column((pgettext("mediation ledger", "Dispute type"),), 12),
        Column((pgettext("mediation ledger", "Parties"), pgettext("mediation ledger", "Applicants")), 12, wrap=True),
        Column((pgettext("mediation ledger", "Parties"), pgettext("mediation ledger", "Respondents")), 12, wrap=True),
        Column((pgettext("mediation ledger", "Parties"), pgettext("mediation ledger", "ID number")), 20, wrap=True),
        Column((pgettext("mediation ledger", "Class"),), 6),
        Column((pgettext("mediation ledger", "Procedure"),), 8),
        Column((pgettext("mediation ledger", "Mediation"), pgettext("mediation ledger", "Due")), 11),
        Column((pgettext("mediation ledger", "Mediation"), pgettext("mediation ledger", "Ended")), 11),
        Column((pgettext("mediation ledger", "Mediation"), pgettext("mediation ledger", "Outcome")), 14),
        Column((pgettext("mediation ledger", "Agreement"), pgettext("mediation ledger", "Number")), 20),
        Column((pgettext("mediation ledger", "Agreement"), pgettext("mediation ledger", "Form")), 8),
        Column((pgettext("mediation ledger", "Agreement"), pgettext("mediation ledger", "In effect from")), 11),
        Column((pgettext("mediation ledger", "Agreement"), pgettext("mediation ledger", "Perform by")), 11),
        Column((pgettext("mediation ledger", "Agreement"), pgettext("mediation ledger", "Performance")), 10),
        Column((pgettext("mediation ledger", "Judicial confirmation"), pgettext("mediation ledger", "Applied")), 11),
        Column((pgettext("mediation ledger", "Judicial confirmation"), pgettext("mediation ledger", "Court")), 12),
        Column((pgettext("mediation ledger", "Judicial confirmation"), pgettext("mediation ledger", "Result")), 10),
        Column((pgettext("mediation ledger", "Return visit"),), 11),
    ]


def mediation_ledger_rows(cases, *, masked):
    """Yield one row per mediation case with its agreement and performance (queries per 1,000 rows)."""
    id_number = mask_id_number if masked else str
    applicant = MediationParty.Role.APPLICANT
    cases = cases.select_related("township", "committee_village", "dispute_type", "agreement").prefetch_related(
        Prefetch("party_links", queryset=MediationParty.objects.select_related("person").order_by("position", "pk")),
        Prefetch("return_visits", queryset=MediationReturnVisit.objects.filter(visited_on__isnull=False)),
    )
    for number, case in enumerate(cases.iterator(chunk_size=1000), start=1):
        links = list(case.party_links.all())
        agreement = getattr(case, "agreement", None)
        visits = [v.visited_on for v in case.return_visits.all()]
        if case.status == MediationCase.Status.TERMINATED:
            outcome = case.get_termination_display()
        elif agreement is not None and agreement.effective_on:
            outcome = _("Agreement reached")
        else:
            outcome = ""
        yield [
            number, case.number, case.registered_on, case.committee_name, case.get_source_display(), case.title,
            str(case.dispute_type), cell_lines(x.person.name for x in links if x.role == applicant),
            cell_lines(x.person.name for x in links if x.role != applicant),
            cell_lines(id_number(x.person.id_number) for x in links),
            case.get_case_class_display(), case.get_procedure_display(), case.due_on, case.closed_on, outcome,
            agreement.number if agreement else "", agreement.get_form_display() if agreement else "",
            agreement.effective_on if agreement else None, agreement.performance_deadline if agreement else None,
            agreement.get_performance_status_display() if agreement and agreement.effective_on else "",
            agreement.confirmation_applied_on if agreement else None,
            agreement.confirmation_court if agreement else "",
            agreement.get_confirmation_result_display() if agreement and agreement.confirmation_result else "",
            max(visits) if visits else None,
        ]


def export_mediation_ledger(cases, *, township, period_text, unit_name, masked, progress=None):
    """The filtered mediation ledger (调解台账) as an Excel file."""
    return write_table(
        sheet_title=_("Mediation ledger"),
        title=_("%(township)s people's mediation ledger") % {"township": township.name},
        subtitle=_("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text},
        columns=mediation_ledger_columns(),
        rows=mediation_ledger_rows(cases.order_by("registered_on", "pk"), masked=masked),
        totals_label=_("Total: %(count)s mediation cases"),
        footer=unit_footer(unit_name),
        progress=progress,
    )
