"""The screening ledger as an Excel file for upward reporting (排查台账)."""
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from office.excel import Column, cell_lines, unit_footer, write_table
from office.masking import mask_address, mask_id_number, mask_phone

# Each header has its own message id in this context (docs/architecture.md §8).
# Header context ("screening ledger") written as a literal in each call: makemessages extracts only literal contexts.


def ledger_columns():
    """Return the ledger's columns with their two-row Chinese headers."""
    return [
        Column((pgettext("screening ledger", "No."),), 6),
        Column((pgettext("screening ledger", "Screening unit"),), 10),
        Column((pgettext("screening ledger", "Date found"),), 11),
        Column((pgettext("screening ledger", "Dispute"),), 24, wrap=True),
        Column((pgettext("screening ledger", "Dispute type"), pgettext("screening ledger", "Category")), 12),
        Column((pgettext("screening ledger", "Dispute type"), pgettext("screening ledger", "Sub-type")), 14),
        Column((pgettext("screening ledger", "Parties"), pgettext("screening ledger", "Name")), 10, wrap=True),
        Column((pgettext("screening ledger", "Parties"), pgettext("screening ledger", "ID number")), 20, wrap=True),
        Column((pgettext("screening ledger", "Parties"), pgettext("screening ledger", "Phone")), 14, wrap=True),
        Column((pgettext("screening ledger", "Parties"), pgettext("screening ledger", "Address")), 20, wrap=True),
        Column((pgettext("screening ledger", "People involved"),), 8, total=True),
        Column((pgettext("screening ledger", "Place"),), 14, wrap=True),
        Column((pgettext("screening ledger", "Facts"),), 32, wrap=True),
        Column((pgettext("screening ledger", "Risk"), pgettext("screening ledger", "Level")), 8),
        Column((pgettext("screening ledger", "Risk"), pgettext("screening ledger", "May turn criminal")), 8),
        Column((pgettext("screening ledger", "Risk"), pgettext("screening ledger", "Group incident")), 8),
        Column((pgettext("screening ledger", "Handling measures"),), 24, wrap=True),
        Column((pgettext("screening ledger", "Responsibility"), pgettext("screening ledger", "Responsible person")), 10),
        Column((pgettext("screening ledger", "Responsibility"), pgettext("screening ledger", "Leader in charge")), 10),
        Column((pgettext("screening ledger", "Resolve by"),), 11),
        Column((pgettext("screening ledger", "Status"),), 8),
        Column((pgettext("screening ledger", "Closed on"),), 11),
        Column((pgettext("screening ledger", "Routed to"),), 20, wrap=True),
        Column((pgettext("screening ledger", "Outcome"),), 24, wrap=True),
        Column((pgettext("screening ledger", "How it was resolved"),), 10),
    ]


def _routing(entry):
    parts = []
    if entry.transferred_to_id:
        parts.append(f"{_('Transferred to')} {entry.transferred_to.name} {entry.transferred_on:%Y-%m-%d}")
    if entry.meeting_referred_on:
        parts.append(f"{_('Special meeting')} {entry.meeting_referred_on:%Y-%m-%d}")
    if entry.mediation_requested_on:
        parts.append(f"{_('Mediation requested')} {entry.mediation_requested_on:%Y-%m-%d}")
    return "\n".join(parts)


def ledger_rows(entries, *, masked):
    """Yield one row per entry; parties one per line, masked unless the user may see personal data."""
    id_number, phone, address = (mask_id_number, mask_phone, mask_address) if masked else (str, str, str)
    yes = _("Yes")
    for number, entry in enumerate(entries.iterator(chunk_size=1000), start=1):
        people = [link.person for link in entry.party_links.all()]
        category = entry.dispute_type.category
        yield [
            number,
            entry.unit_name,
            entry.found_on,
            entry.title,
            category.name,
            entry.dispute_type.name if entry.dispute_type.parent_id else "",
            cell_lines(p.name for p in people),
            cell_lines(id_number(p.id_number) for p in people),
            cell_lines(phone(p.phone) for p in people),
            cell_lines(address(p.address) for p in people),
            entry.head_count,
            entry.place,
            entry.facts,
            entry.risk_level.name,
            yes if entry.may_turn_criminal else "",
            yes if entry.may_become_group else "",
            entry.measures,
            entry.responsible_person,
            entry.lead_official,
            entry.deadline,
            entry.get_status_display(),
            entry.closed_on,
            _routing(entry),
            entry.outcome,
            entry.get_resolution_display(),
        ]


def export_ledger(entries, *, township, period_text, unit_name, masked, progress=None):
    """Write the filtered ledger to an Excel file (returns content and row count)."""
    return write_table(
        sheet_title=_("Screening ledger"),
        title=_("%(township)s dispute screening and resolution ledger") % {"township": township.name},
        subtitle=_("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text},
        columns=ledger_columns(),
        rows=ledger_rows(entries, masked=masked),
        totals_label=_("Total: %(count)s disputes"),
        footer=unit_footer(unit_name),
        progress=progress,
    )
