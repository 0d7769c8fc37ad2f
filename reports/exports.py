"""Excel files for upward reporting: the petition ledger, the monthly statistics, the year-end
village review and the annual report data of 信访工作条例 Art 41 (through office/excel.py)."""
import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.models import LedgerEntry, ScreeningCadence, ScreeningRound
from disputes.periods import periods_between
from office.excel import Column, Sheet, write_table, write_workbook
from office.masking import mask_id_number, mask_phone
from petitions.models import Petition, PetitionParty, ReturnVisit, Supervision

P = Petition.Status


def _lines(values):
    return "\n".join(v for v in values if v is not None).rstrip("\n")


def _footer(unit_name):
    return _("Reporting unit: %(unit)s    Date: %(date)s") % {"unit": unit_name, "date": timezone.localdate().isoformat()}


# --- 信访台账: one row per petition -------------------------------------------------------------

def petition_ledger_columns():
    """The petition ledger's columns with their two-row Chinese headers."""
    return [
        Column((_("No."),), 6),
        Column((_("Case number"),), 14),
        Column((_("Received"),), 11),
        Column((_("Channel"),), 8),
        Column((_("Petitioners"), _("Name")), 10, wrap=True),
        Column((_("Petitioners"), _("ID number")), 20, wrap=True),
        Column((_("Petitioners"), _("Phone")), 14, wrap=True),
        Column((_("Village"),), 10),
        Column((_("Title"),), 24, wrap=True),
        Column((_("Purpose"),), 8),
        Column((_("Category"),), 12),
        Column((_("Decision"), _("Outcome")), 10),
        Column((_("Decision"), _("Date")), 11),
        Column((_("Referral"), _("Unit")), 12),
        Column((_("Referral"), _("Handler")), 8),
        Column((_("Referral"), _("Assigned")), 11),
        Column((_("Referral"), _("Signed for")), 11),
        Column((_("Reply"), _("Due")), 11),
        Column((_("Reply"), _("Served")), 11),
        Column((_("Reply"), _("Days taken")), 8, total=True),
        Column((_("Reply"), _("On time")), 8),
        Column((_("Opinion"), _("Opinion")), 10),
        Column((_("Opinion"), _("Date")), 11),
        Column((_("Return visit"),), 11),
        Column((_("Archived"),), 11),
        Column((_("Case status"),), 12),
    ]


LEDGER_FIELDS = [
    "pk", "number", "received_on", "channel", "village__name", "title", "purpose", "category__name",
    "proposed_decision", "decided_on", "assigned_unit__name", "assigned_village__name", "handler__last_name",
    "handler__first_name", "assigned_on", "signed_on", "handling_due_on", "replied_on", "accepted_on", "opinion",
    "opinion_on", "archived_on", "status",
]
CHUNK = 2000


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
            people.setdefault(petition_id, []).append((name, id_no, tel))
        visits = dict(ReturnVisit.objects.filter(petition_id__in=pks, visited_on__isnull=False).order_by(
            "petition_id", "visited_on").values_list("petition_id", "visited_on"))
        for p in chunk:
            number += 1
            parties = people.get(p["pk"], [])
            if p["replied_on"] and p["accepted_on"]:
                days = (p["replied_on"] - p["accepted_on"]).days
                timely = on_time if p["replied_on"] <= p["handling_due_on"] else late
            else:
                days = None
                overdue = p["handling_due_on"] and p["handling_due_on"] < today and p["status"] in handling
                timely = late if overdue else ""
            yield [
                number, p["number"], p["received_on"], label["channel"][p["channel"]],
                _lines(x[0] for x in parties), _lines(id_number(x[1]) for x in parties),
                _lines(phone(x[2]) for x in parties),
                p["village__name"] or "", p["title"], label["purpose"][p["purpose"]], p["category__name"] or "",
                label["decision"][p["proposed_decision"]] if p["decided_on"] else "", p["decided_on"],
                p["assigned_unit__name"] or p["assigned_village__name"] or "",
                f"{p['handler__last_name'] or ''}{p['handler__first_name'] or ''}",
                p["assigned_on"], p["signed_on"], p["handling_due_on"], p["replied_on"], days, timely,
                label["opinion"].get(p["opinion"], ""), p["opinion_on"], visits.get(p["pk"]), p["archived_on"],
                label["status"][p["status"]],
            ]


def export_petition_ledger(petitions, *, township, period_text, unit_name, masked):
    """The filtered petition ledger (信访台账) as an Excel file."""
    today = timezone.localdate()
    return write_table(
        sheet_title=_("Petition ledger"),
        title=_("%(township)s petition ledger") % {"township": township.name},
        subtitle=_("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text},
        columns=petition_ledger_columns(),
        rows=petition_ledger_rows(petitions.order_by("received_on", "sequence"), masked=masked, today=today),
        totals_label=_("Total: %(count)s petitions"),
        footer=_footer(unit_name),
    )


# --- 月报: monthly statistics ------------------------------------------------------------------

def _petition_stat_columns(group_label):
    return [
        Column((group_label,), 16),
        Column((_("Received"),), 8, total=True),
        Column((_("Decision"), _("Accepted")), 8, total=True),
        Column((_("Decision"), _("Not accepted")), 8, total=True),
        Column((_("Decision"), _("Forwarded")), 8, total=True),
        Column((_("Decision"), _("Pending")), 8, total=True),
        Column((_("Replies due"), _("On time")), 8, total=True),
        Column((_("Replies due"), _("Late")), 8, total=True),
        Column((_("Opinion"), _("Satisfied")), 8, total=True),
        Column((_("Opinion"), _("Basically")), 8, total=True),
        Column((_("Opinion"), _("Dissatisfied")), 8, total=True),
        Column((_("Opinion"), _("None")), 8, total=True),
        Column((_("Return visits"), _("Visits due")), 8, total=True),
        Column((_("Return visits"), _("Visits made")), 8, total=True),
    ]


def _petition_stat_counts(period_first, period_last, today):
    received = Q(received_on__range=(period_first, period_last))
    reply_due = Q(handling_due_on__range=(period_first, period_last)) & (
        Q(replied_on__isnull=False) | Q(handling_due_on__lt=today))
    replied = Q(replied_on__range=(period_first, period_last))
    visit_due = Q(return_visits__due_on__range=(period_first, period_last))
    return {
        "received": Count("pk", filter=received, distinct=True),
        "accepted": Count("pk", filter=received & Q(decided_on__isnull=False, proposed_decision="accept"), distinct=True),
        "not_accepted": Count("pk", filter=received & Q(decided_on__isnull=False, proposed_decision="not_accept"), distinct=True),
        "forwarded": Count("pk", filter=received & Q(decided_on__isnull=False, proposed_decision="forward"), distinct=True),
        "pending": Count("pk", filter=received & Q(decided_on__isnull=True), distinct=True),
        "on_time": Count("pk", filter=reply_due & Q(replied_on__lte=F("handling_due_on")), distinct=True),
        "late": Count("pk", filter=reply_due & (Q(replied_on__gt=F("handling_due_on")) | Q(replied_on__isnull=True)), distinct=True),
        "satisfied": Count("pk", filter=replied & Q(opinion="satisfied"), distinct=True),
        "basically": Count("pk", filter=replied & Q(opinion="basically"), distinct=True),
        "dissatisfied": Count("pk", filter=replied & Q(opinion="dissatisfied"), distinct=True),
        "none": Count("pk", filter=replied & Q(opinion="none"), distinct=True),
        "visits_due": Count("return_visits", filter=visit_due, distinct=True),
        "visits_made": Count("return_visits", filter=visit_due & Q(return_visits__visited_on__isnull=False), distinct=True),
    }


STAT_KEYS = ["received", "accepted", "not_accepted", "forwarded", "pending", "on_time", "late", "satisfied",
             "basically", "dissatisfied", "none", "visits_due", "visits_made"]


def petition_stats(petitions, group_field, labels, first, last, today):
    """Rows of counts grouped by one field; ``labels`` maps each value to its label, in order."""
    counts = {
        row[group_field]: row
        for row in petitions.order_by().values(group_field).annotate(**_petition_stat_counts(first, last, today))
    }
    for value, label in labels:
        row = counts.get(value, {})
        yield [label] + [row.get(key, 0) for key in STAT_KEYS]


def dispute_stats(entries, first, last):
    """Disputes found in the period by type category: risk and status counts."""
    from disputes.models import RiskLevel

    risks = list(RiskLevel.objects.filter(is_active=True).order_by("rank"))
    found = entries.filter(found_on__range=(first, last))
    aggregates = {f"risk_{r.pk}": Count("pk", filter=Q(risk_level=r)) for r in risks}
    aggregates.update({f"status_{value}": Count("pk", filter=Q(status=value)) for value in LedgerEntry.Status.values})
    aggregates["mediated"] = Count("pk", filter=Q(mediation_case__isnull=False) | Q(mediation_requested_on__isnull=False))
    rows = found.order_by().annotate(category=F("dispute_type__parent__name")).values("category", "dispute_type__name").annotate(
        found=Count("pk"), **aggregates)
    merged = {}
    for row in rows:
        key = row["category"] or row["dispute_type__name"]
        target = merged.setdefault(key, {k: 0 for k in ["found", "mediated", *aggregates]})
        for k in target:
            target[k] += row[k]
    columns = [Column((_("Dispute type"),), 16), Column((_("Disputes found"),), 8, total=True)]
    columns += [Column((_("Risk"), r.name), 8, total=True) for r in risks]
    columns += [Column((_("Status"), label), 8, total=True) for _value, label in LedgerEntry.Status.choices]
    columns += [Column((_("Mediated"),), 10, total=True)]
    data = [
        [name, row["found"]] + [row[f"risk_{r.pk}"] for r in risks]
        + [row[f"status_{v}"] for v in LedgerEntry.Status.values] + [row["mediated"]]
        for name, row in sorted(merged.items(), key=lambda kv: -kv[1]["found"])
    ]
    return columns, data


def export_monthly_report(petitions, entries, *, township, first, last, unit_name):
    """The monthly statistics (月报): petitions by channel, purpose, category and village; disputes by type."""
    from office.models import Village
    from petitions.models import ContentCategory

    today = timezone.localdate()
    period_text = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    subtitle = _("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text}
    title = _("%(township)s petition and dispute statistics") % {"township": township.name}
    footer = _footer(unit_name)
    villages = [(v.pk, v.name) for v in Village.objects.filter(township=township).order_by("sort_order", "name")]
    categories = [(c.pk, c.name) for c in ContentCategory.objects.all()]
    groups = [
        (_("By channel"), "channel", list(Petition.Channel.choices), _("Channel")),
        (_("By purpose"), "purpose", list(Petition.Purpose.choices), _("Purpose")),
        (_("By category"), "category", categories + [(None, _("Uncategorised"))], _("Category")),
        (_("By village"), "village", villages + [(None, _("No village"))], _("Village")),
    ]
    sheets = [
        Sheet(sheet_title, title, subtitle, _petition_stat_columns(group_label),
              list(petition_stats(petitions, field, labels, first, last, today)), _("Total"), footer)
        for sheet_title, field, labels, group_label in groups
    ]
    columns, rows = dispute_stats(entries, first, last)
    sheets.append(Sheet(_("Disputes"), _("%(township)s dispute screening statistics") % {"township": township.name},
                        subtitle, columns, rows, _("Total"), footer))
    return write_workbook(sheets)


# --- 年终考评表: per village ----------------------------------------------------------------------

def year_review_rows(township, year, today):
    """One row per village: rounds filed / late / missing, disputes found, mediated, resolved, rates,
    overdue petitions and satisfaction (a bounded number of grouped queries)."""
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    periods = [p for p in periods_between(cadence.kind, first, last, cadence.anchor)
               if p.ends_on <= last]
    from office import calendar

    due = {p.key: calendar.add_days(p.ends_on, cadence.grace_days) for p in periods}
    rounds = {}
    for r in ScreeningRound.objects.filter(township=township, village__isnull=False, kind=cadence.kind,
                                           starts_on__gte=first, starts_on__lte=last).values(
            "village_id", "starts_on", "ends_on", "filed_at"):
        rounds.setdefault(r["village_id"], []).append(r)
    entries = {
        row["village_id"]: row for row in LedgerEntry.objects.filter(
            township=township, found_on__range=(first, last)).values("village_id").annotate(
            found=Count("pk"),
            mediated=Count("pk", filter=Q(mediation_case__isnull=False) | Q(mediation_requested_on__isnull=False)),
            successful=Count("pk", filter=Q(mediation_case__closed_on__isnull=False)
                             & ~Q(mediation_case__status="terminated")))
    }
    petitions = {
        row["village_id"]: row for row in Petition.objects.filter(
            township=township, received_on__range=(first, last)).values("village_id").annotate(
            overdue=Count("pk", filter=Q(status__in=Petition.OPEN_STATUSES, due_on__lt=today)),
            evaluated=Count("pk", filter=Q(opinion__in=["satisfied", "basically", "dissatisfied"])),
            satisfied=Count("pk", filter=Q(opinion__in=["satisfied", "basically"])))
    }
    from reports.figures import Figure

    for village in township.villages.filter(is_active=True).order_by("sort_order", "name"):
        filed = {(r["starts_on"], r["ends_on"]): r for r in rounds.get(village.pk, [])}
        on_time = late = missing = 0
        for period in periods:
            found = filed.get((period.starts_on, period.ends_on))
            if found is None:
                missing += 1
            elif timezone.localtime(found["filed_at"]).date() > due[period.key]:
                late += 1
            else:
                on_time += 1
        e = entries.get(village.pk, {})
        p = petitions.get(village.pk, {})
        yield [
            village.name, len(periods), on_time, late, missing,
            e.get("found", 0), e.get("mediated", 0), e.get("successful", 0),
            Figure("", "", "", e.get("mediated", 0), e.get("found", 0)).rate,
            Figure("", "", "", e.get("successful", 0), e.get("mediated", 0)).rate,
            p.get("overdue", 0), Figure("", "", "", p.get("satisfied", 0), p.get("evaluated", 0)).rate,
        ]


def export_year_review(township, year, *, unit_name):
    """The year-end review per village (年终考评表)."""
    today = timezone.localdate()
    columns = [
        Column((_("Village"),), 12),
        Column((_("Screening rounds"), _("Rounds due")), 8, total=True),
        Column((_("Screening rounds"), _("On time")), 8, total=True),
        Column((_("Screening rounds"), _("Late")), 8, total=True),
        Column((_("Screening rounds"), _("Missing")), 8, total=True),
        Column((_("Disputes"), _("Disputes found")), 8, total=True),
        Column((_("Disputes"), _("Mediated")), 8, total=True),
        Column((_("Disputes"), _("Mediated successfully")), 8, total=True),
        Column((_("Rates (%)"), _("Participation")), 9),
        Column((_("Rates (%)"), _("Mediation success")), 9),
        Column((_("Overdue petitions"),), 9, total=True),
        Column((_("Satisfaction (%)"),), 9),
    ]
    return write_table(
        sheet_title=_("Year-end review"),
        title=_("%(township)s %(year)s year-end village review") % {"township": township.name, "year": year},
        subtitle=_("Township: %(township)s    Year: %(year)s") % {"township": township.name, "year": year},
        columns=columns, rows=year_review_rows(township, year, today), totals_label=_("Total"),
        footer=_footer(unit_name),
    )


# --- 信访工作条例 Art 41: the annual report data ---------------------------------------------------

def export_annual_report(petitions, *, township, year, unit_name):
    """The year's statistics, fields involved, most complained-about units, forwarded / assigned /
    supervised counts (信访工作条例 Art 41)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    year_cases = petitions.filter(received_on__range=(first, last))
    subtitle = _("Township: %(township)s    Year: %(year)s") % {"township": township.name, "year": year}
    footer = _footer(unit_name)
    totals = year_cases.aggregate(
        received=Count("pk"), visits=Count("pk", filter=Q(channel="visit")), letters=Count("pk", filter=Q(channel="letter")),
        calls=Count("pk", filter=Q(channel="phone")), online=Count("pk", filter=Q(channel="online")),
        group=Count("pk", filter=Q(is_group=True)), repeat=Count("pk", filter=Q(is_repeat=True)),
        accepted=Count("pk", filter=Q(accepted_on__isnull=False)),
        forwarded=Count("pk", filter=Q(decided_on__isnull=False, proposed_decision="forward")),
        assigned=Count("pk", filter=Q(assigned_on__isnull=False)),
        replied=Count("pk", filter=Q(replied_on__isnull=False)),
    )
    supervised = Supervision.objects.filter(petition__in=year_cases).values("petition").distinct().count()
    summary = [
        (_("Petitions received"), totals["received"]), (_("of which visits"), totals["visits"]),
        (_("of which letters"), totals["letters"]), (_("of which phone calls"), totals["calls"]),
        (_("of which online"), totals["online"]), (_("Group visits"), totals["group"]),
        (_("Repeat petitions"), totals["repeat"]), (_("Accepted"), totals["accepted"]),
        (_("Forwarded"), totals["forwarded"]), (_("Assigned to units"), totals["assigned"]),
        (_("Supervised"), supervised), (_("Replied"), totals["replied"]),
    ]
    fields = year_cases.values_list("category__name").annotate(n=Count("pk")).order_by("-n")
    units = year_cases.filter(complained_unit__isnull=False).values_list("complained_unit__name").annotate(
        n=Count("pk")).order_by("-n")[:10]
    parties = year_cases.exclude(complained_party="").values_list("complained_party").annotate(
        n=Count("pk")).order_by("-n")[:10]
    two = [Column((_("Item"),), 30), Column((_("Count"),), 10)]
    return write_workbook([
        Sheet(_("Statistics"), _("%(township)s %(year)s petition work report data") % {"township": township.name, "year": year},
              subtitle, two, summary, None, footer),
        Sheet(_("Fields involved"), _("Fields involved"), subtitle,
              [Column((_("Category"),), 30), Column((_("Count"),), 10, total=True)],
              [(name or _("Uncategorised"), n) for name, n in fields], _("Total"), footer),
        Sheet(_("Complained about"), _("Most complained-about units and persons"), subtitle,
              [Column((_("Unit or person"),), 30), Column((_("Count"),), 10)],
              [(name, n) for name, n in units] + [(name, n) for name, n in parties], None, footer),
    ])


# --- 调解台账: one row per mediation case --------------------------------------------------------

def mediation_ledger_columns():
    return [
        Column((_("No."),), 6),
        Column((_("Case number"),), 12),
        Column((_("Registered"),), 11),
        Column((_("Mediation committee"),), 14),
        Column((_("Source"),), 10),
        Column((_("Dispute"),), 22, wrap=True),
        Column((_("Dispute type"),), 12),
        Column((_("Parties"), _("Applicants")), 12, wrap=True),
        Column((_("Parties"), _("Respondents")), 12, wrap=True),
        Column((_("Parties"), _("ID number")), 20, wrap=True),
        Column((_("Class"),), 6),
        Column((_("Procedure"),), 8),
        Column((_("Mediation"), _("Due")), 11),
        Column((_("Mediation"), _("Ended")), 11),
        Column((_("Mediation"), _("Outcome")), 14),
        Column((_("Agreement"), _("Number")), 20),
        Column((_("Agreement"), _("Form")), 8),
        Column((_("Agreement"), _("In effect from")), 11),
        Column((_("Agreement"), _("Perform by")), 11),
        Column((_("Agreement"), _("Performance")), 10),
        Column((_("Judicial confirmation"), _("Applied")), 11),
        Column((_("Judicial confirmation"), _("Court")), 12),
        Column((_("Judicial confirmation"), _("Result")), 10),
        Column((_("Return visit"),), 11),
    ]


def mediation_ledger_rows(cases, *, masked):
    """Yield one row per mediation case with its agreement and performance (queries per 1,000 rows)."""
    from django.db.models import Prefetch

    from disputes.models import MediationCase, MediationParty, MediationReturnVisit

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
            str(case.dispute_type), _lines(x.person.name for x in links if x.role == applicant),
            _lines(x.person.name for x in links if x.role != applicant),
            _lines(id_number(x.person.id_number) for x in links),
            case.get_case_class_display(), case.get_procedure_display(), case.due_on, case.closed_on, outcome,
            agreement.number if agreement else "", agreement.get_form_display() if agreement else "",
            agreement.effective_on if agreement else None, agreement.performance_deadline if agreement else None,
            agreement.get_performance_status_display() if agreement and agreement.effective_on else "",
            agreement.confirmation_applied_on if agreement else None,
            agreement.confirmation_court if agreement else "",
            agreement.get_confirmation_result_display() if agreement and agreement.confirmation_result else "",
            max(visits) if visits else None,
        ]


def export_mediation_ledger(cases, *, township, period_text, unit_name, masked):
    """The filtered mediation ledger (调解台账) as an Excel file."""
    return write_table(
        sheet_title=_("Mediation ledger"),
        title=_("%(township)s people's mediation ledger") % {"township": township.name},
        subtitle=_("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text},
        columns=mediation_ledger_columns(),
        rows=mediation_ledger_rows(cases.order_by("registered_on", "pk"), masked=masked),
        totals_label=_("Total: %(count)s mediation cases"),
        footer=_footer(unit_name),
    )
