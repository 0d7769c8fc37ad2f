"""The petition ledger (信访台账) as an Excel file, one row per case (through office/excel.py).

The reports section serves it (reports/views.py export_petition_ledger) with the list's filters.
"""
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from office.excel import Column, cell_lines, unit_footer, write_table
from office.masking import mask_id_number, mask_phone

from .models import Petition, PetitionParty, ReturnVisit

# Each header has its own message id in this context: the same English word means different things
# in different ledgers (docs/architecture.md §8).
# Header context ("petition ledger") written as a literal in each call: makemessages extracts only literal contexts.


def petition_ledger_columns():
    """The petition ledger's columns with their two-row Chinese headers."""
    return [
        Column((pgettext("petition ledger", "No."),), 6),
        Column((pgettext("petition ledger", "Case number"),), 14),
        Column((pgettext("petition ledger", "Received"),), 11),
        Column((pgettext("petition ledger", "Channel"),), 8),
        Column((pgettext("petition ledger", "Petitioners"), pgettext("petition ledger", "Name")), 10, wrap=True),
        Column((pgettext("petition ledger", "Petitioners"), pgettext("petition ledger", "ID number")), 20, wrap=True),
        Column((pgettext("petition ledger", "Petitioners"), pgettext("petition ledger", "Phone")), 14, wrap=True),
        Column((pgettext("petition ledger", "Village"),), 10),
        Column((pgettext("petition ledger", "Title"),), 24, wrap=True),
        Column((pgettext("petition ledger", "Purpose"),), 8),
        Column((pgettext("petition ledger", "Category"),), 12),
        Column((pgettext("petition ledger", "Decision"), pgettext("petition ledger", "Outcome")), 10),
        Column((pgettext("petition ledger", "Decision"), pgettext("petition ledger", "Date")), 11),
        Column((pgettext("petition ledger", "Referral"), pgettext("petition ledger", "Unit")), 12),
        Column((pgettext("petition ledger", "Referral"), pgettext("petition ledger", "Handler")), 8),
        Column((pgettext("petition ledger", "Referral"), pgettext("petition ledger", "Assigned")), 11),
        Column((pgettext("petition ledger", "Referral"), pgettext("petition ledger", "Signed for")), 11),
        Column((pgettext("petition ledger", "Reply"), pgettext("petition ledger", "Due")), 11),
        Column((pgettext("petition ledger", "Reply"), pgettext("petition ledger", "Served")), 11),
        Column((pgettext("petition ledger", "Reply"), pgettext("petition ledger", "Days taken")), 8, total=True),
        Column((pgettext("petition ledger", "Reply"), pgettext("petition ledger", "On time")), 8),
        Column((pgettext("petition ledger", "Opinion"), pgettext("petition ledger", "Opinion")), 10),
        Column((pgettext("petition ledger", "Opinion"), pgettext("petition ledger", "Date")), 11),
        Column((pgettext("petition ledger", "Return visit"),), 11),
        Column((pgettext("petition ledger", "Archived"),), 11),
        Column((pgettext("petition ledger", "Case status"),), 12),
    ]


LEDGER_FIELDS = [
    "pk", "number", "received_on", "channel", "village__name", "title", "purpose", "category__name",
    "proposed_decision", "decided_on", "assigned_unit__name", "assigned_village__name", "handler__last_name",
    "handler__first_name", "assigned_on", "signed_on", "handling_due_on", "replied_on", "accepted_on", "opinion",
    "opinion_on", "archived_on", "status",
]
CHUNK = 2000
NO_PARTIES = ("", "", "")


def _chunks(petitions):
    """Yield lists of value dicts, CHUNK rows at a time (a server-side cursor on PostgreSQL)."""
    chunk = []
    for row in petitions.values(*LEDGER_FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def petition_ledger_rows(petitions, *, masked, today):
    """Yield one row per petition: plain values, three queries per 2,000 rows, memory flat.

    Labels are looked up in dicts built once: a model's get_FOO_display() per cell costs more
    than writing the cell.
    """
    id_number, phone = (mask_id_number, mask_phone) if masked else (str, str)
    label = {
        name: {key: str(text) for key, text in choices}
        for name, choices in [
            ("channel", Petition.Channel.choices), ("purpose", Petition.Purpose.choices),
            ("decision", Petition.Decision.choices), ("opinion", Petition.Opinion.choices),
            ("status", Petition.Status.choices),
        ]
    }
    handling = set(Petition.HANDLING_STATUSES)
    on_time, late = _("on time"), _("late")
    number = 0
    for chunk in _chunks(petitions):
        pks = [row["pk"] for row in chunk]
        people = {}
        for petition_id, name, id_no, tel in PetitionParty.objects.filter(petition_id__in=pks).order_by(
                "petition_id", "position", "pk").values_list("petition_id", "person__name", "person__id_number",
                                                             "person__phone"):
            people.setdefault(petition_id, []).append((name, id_number(id_no), phone(tel)))
        # Each petition's three party cells (name, ID number, phone), one line per party.
        for petition_id, parties in people.items():
            if len(parties) == 1:  # most petitions: the party's own values, as cell_lines would give them
                people[petition_id] = tuple(value.rstrip("\n") if value else "" for value in parties[0])
            else:
                people[petition_id] = tuple(cell_lines(values) for values in zip(*parties))
        visits = dict(ReturnVisit.objects.filter(petition_id__in=pks, visited_on__isnull=False).order_by(
            "petition_id", "visited_on").values_list("petition_id", "visited_on"))
        for p in chunk:
            number += 1
            names, id_numbers, phones = people.get(p["pk"], NO_PARTIES)
            if p["replied_on"] and p["accepted_on"]:
                days = (p["replied_on"] - p["accepted_on"]).days
                timely = on_time if p["replied_on"] <= p["handling_due_on"] else late
            else:
                days = None
                overdue = p["handling_due_on"] and p["handling_due_on"] < today and p["status"] in handling
                timely = late if overdue else ""
            yield [
                number, p["number"], p["received_on"], label["channel"][p["channel"]],
                names, id_numbers, phones,
                p["village__name"] or "", p["title"], label["purpose"][p["purpose"]], p["category__name"] or "",
                label["decision"][p["proposed_decision"]] if p["decided_on"] else "", p["decided_on"],
                p["assigned_unit__name"] or p["assigned_village__name"] or "",
                f"{p['handler__last_name'] or ''}{p['handler__first_name'] or ''}",
                p["assigned_on"], p["signed_on"], p["handling_due_on"], p["replied_on"], days, timely,
                label["opinion"].get(p["opinion"], ""), p["opinion_on"], visits.get(p["pk"]), p["archived_on"],
                label["status"][p["status"]],
            ]


def export_petition_ledger(petitions, *, township, period_text, unit_name, masked, progress=None):
    """The filtered petition ledger (信访台账) as an Excel file."""
    today = timezone.localdate()
    return write_table(
        sheet_title=_("Petition ledger"),
        title=_("%(township)s petition ledger") % {"township": township.name},
        subtitle=_("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text},
        columns=petition_ledger_columns(),
        rows=petition_ledger_rows(petitions.order_by("received_on", "sequence"), masked=masked, today=today),
        totals_label=_("Total: %(count)s petitions"),
        footer=unit_footer(unit_name),
        progress=progress,
    )
