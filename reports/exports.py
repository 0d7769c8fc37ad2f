"""Excel files for upward reporting: the monthly statistics, the year-end village review and the
annual report data of 信访工作条例 Art 41 (through office/excel.py). Each area's ledger lives in its
own app: petitions/exports.py, disputes/screening/exports.py, disputes/mediation/exports.py."""
import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from disputes.models import LedgerEntry, MediationCase, RiskLevel, ScreeningCadence, ScreeningRound
from disputes.periods import periods_between
from disputes.screening.selectors import round_due
from office import calendar
from office.excel import Column, Sheet, unit_footer, write_table, write_workbook
from office.models import Village
from office.setup import township_list
from petitions.models import ContentCategory, Petition, Supervision

from .figures import ENTERED_MEDIATION, Figure, Period, mediation_outcomes

# Each column header has its own message id in the context of its report: the same English word means
# different things in different reports (docs/architecture.md §8).
# Header contexts are written as literals in each call: makemessages extracts only literal contexts.

# --- 月报: monthly statistics ------------------------------------------------------------------

def _petition_stat_columns(group_label):
    return [
        Column((group_label,), 16),
        Column((pgettext("monthly report", "Received"),), 8, total=True),
        Column((pgettext("monthly report", "Decision"), pgettext("monthly report", "Accepted")), 8, total=True),
        Column((pgettext("monthly report", "Decision"), pgettext("monthly report", "Not accepted")), 8, total=True),
        Column((pgettext("monthly report", "Decision"), pgettext("monthly report", "Forwarded")), 8, total=True),
        Column((pgettext("monthly report", "Decision"), pgettext("monthly report", "Pending")), 8, total=True),
        Column((pgettext("monthly report", "Replies due"), pgettext("monthly report", "On time")), 8, total=True),
        Column((pgettext("monthly report", "Replies due"), pgettext("monthly report", "Late")), 8, total=True),
        Column((pgettext("monthly report", "Opinion"), pgettext("monthly report", "Satisfied")), 8, total=True),
        Column((pgettext("monthly report", "Opinion"), pgettext("monthly report", "Basically")), 8, total=True),
        Column((pgettext("monthly report", "Opinion"), pgettext("monthly report", "Dissatisfied")), 8, total=True),
        Column((pgettext("monthly report", "Opinion"), pgettext("monthly report", "None")), 8, total=True),
        Column((pgettext("monthly report", "Return visits"), pgettext("monthly report", "Visits due")), 8, total=True),
        Column((pgettext("monthly report", "Return visits"), pgettext("monthly report", "Visits made")), 8, total=True),
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
    risks = list(RiskLevel.objects.filter(is_active=True).order_by("rank"))
    found = entries.filter(found_on__range=(first, last))
    aggregates = {f"risk_{r.pk}": Count("pk", filter=Q(risk_level=r)) for r in risks}
    aggregates.update({f"status_{value}": Count("pk", filter=Q(status=value)) for value in LedgerEntry.Status.values})
    aggregates["mediated"] = Count("pk", filter=ENTERED_MEDIATION)
    rows = found.order_by().annotate(category=F("dispute_type__parent__name")).values("category", "dispute_type__name").annotate(
        found=Count("pk"), **aggregates)
    merged = {}
    for row in rows:
        key = row["category"] or row["dispute_type__name"]
        target = merged.setdefault(key, {k: 0 for k in ["found", "mediated", *aggregates]})
        for k in target:
            target[k] += row[k]
    columns = [Column((pgettext("monthly report", "Dispute type"),), 16), Column((pgettext("monthly report", "Disputes found"),), 8, total=True)]
    columns += [Column((pgettext("monthly report", "Risk"), r.name), 8, total=True) for r in risks]
    columns += [Column((pgettext("monthly report", "Status"), label), 8, total=True) for _value, label in LedgerEntry.Status.choices]
    columns += [Column((pgettext("monthly report", "Entered mediation"),), 10, total=True)]
    data = [
        [name, row["found"]] + [row[f"risk_{r.pk}"] for r in risks]
        + [row[f"status_{v}"] for v in LedgerEntry.Status.values] + [row["mediated"]]
        for name, row in sorted(merged.items(), key=lambda kv: -kv[1]["found"])
    ]
    return columns, data


def export_monthly_report(petitions, entries, *, township, first, last, unit_name):
    """The monthly statistics (月报): petitions by channel, purpose, category and village; disputes by type."""
    today = timezone.localdate()
    period_text = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    subtitle = _("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text}
    title = _("%(township)s petition and dispute statistics") % {"township": township.name}
    footer = unit_footer(unit_name)
    villages = [(v.pk, v.name) for v in Village.objects.filter(township=township).order_by("sort_order", "name")]
    # The township's list (office/setup.py), in its order, by name: a case counts under its category's name,
    # whichever owner's row it points to (a township's own entry replaces the county's of the same name).
    categories = [(c.name, c.name) for c in township_list(ContentCategory, township)]
    groups = [
        (_("By channel"), "channel", list(Petition.Channel.choices), _("Channel")),
        (_("By purpose"), "purpose", list(Petition.Purpose.choices), _("Purpose")),
        (_("By category"), "category__name", categories + [(None, _("Uncategorised"))], _("Category")),
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
    """One row per village: rounds due / on time / late / missing (counted from the township's go-live date),
    disputes found, entered mediation, mediation cases actually mediated and their agreements, the rates,
    overdue petitions and satisfaction (a bounded number of grouped queries; the rates are those of
    reports/figures.py over the year, per village)."""
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    periods = [p for p in periods_between(cadence.kind, first, last, cadence.anchor)
               if p.ends_on <= last and p.starts_on >= first and round_due(township, p)]
    due = {p.key: calendar.add_days(p.ends_on, cadence.grace_days, township) for p in periods}
    rounds = {}
    for r in ScreeningRound.objects.filter(township=township, village__isnull=False, kind=cadence.kind,
                                           starts_on__gte=first, starts_on__lte=last).values(
            "village_id", "starts_on", "ends_on", "filed_at"):
        rounds.setdefault(r["village_id"], []).append(r)
    entries = {
        row["village_id"]: row for row in LedgerEntry.objects.filter(
            township=township, found_on__range=(first, last)).values("village_id").annotate(
            found=Count("pk"), mediated=Count("pk", filter=ENTERED_MEDIATION, distinct=True))
    }
    ended, agreed = mediation_outcomes(Period(first, last))
    mediation = {
        row["committee_village_id"]: row for row in MediationCase.objects.filter(township=township).values(
            "committee_village_id").annotate(ended=Count("pk", filter=ended), agreed=Count("pk", filter=agreed))
    }
    petitions = {
        row["village_id"]: row for row in Petition.objects.filter(
            township=township, received_on__range=(first, last)).values("village_id").annotate(
            overdue=Count("pk", filter=Q(status__in=Petition.OPEN_STATUSES, due_on__lt=today)),
            evaluated=Count("pk", filter=Q(opinion__in=["satisfied", "basically", "dissatisfied"])),
            satisfied=Count("pk", filter=Q(opinion__in=["satisfied", "basically"])))
    }
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
        m = mediation.get(village.pk, {})
        p = petitions.get(village.pk, {})
        yield [
            village.name, len(periods), on_time, late, missing,
            e.get("found", 0), e.get("mediated", 0), m.get("ended", 0), m.get("agreed", 0),
            Figure("", "", "", e.get("mediated", 0), e.get("found", 0)).rate,
            Figure("", "", "", m.get("agreed", 0), m.get("ended", 0)).rate,
            p.get("overdue", 0), Figure("", "", "", p.get("satisfied", 0), p.get("evaluated", 0)).rate,
        ]


def _year_review_columns(first):
    return [
        Column((first,), 12),
        Column((pgettext("year review", "Screening rounds"), pgettext("year review", "Rounds due")), 8, total=True),
        Column((pgettext("year review", "Screening rounds"), pgettext("year review", "On time")), 8, total=True),
        Column((pgettext("year review", "Screening rounds"), pgettext("year review", "Late")), 8, total=True),
        Column((pgettext("year review", "Screening rounds"), pgettext("year review", "Missing")), 8, total=True),
        Column((pgettext("year review", "Disputes"), pgettext("year review", "Disputes found")), 8, total=True),
        Column((pgettext("year review", "Disputes"), pgettext("year review", "Entered mediation")), 8, total=True),
        Column((pgettext("year review", "Mediation cases"), pgettext("year review", "Actually mediated")), 8, total=True),
        Column((pgettext("year review", "Mediation cases"), pgettext("year review", "Agreements")), 8, total=True),
        Column((pgettext("year review", "Rates (%)"), pgettext("year review", "Participation")), 9),
        Column((pgettext("year review", "Rates (%)"), pgettext("year review", "Mediation success")), 9),
        Column((pgettext("year review", "Overdue petitions"),), 9, total=True),
        Column((pgettext("year review", "Satisfaction (%)"),), 9),
    ]


def export_year_review(township, year, *, unit_name):
    """The year-end review per village (年终考评表)."""
    today = timezone.localdate()
    columns = _year_review_columns(pgettext("year review", "Village"))
    subtitle = _("Township: %(township)s    Year: %(year)s") % {"township": township.name, "year": year}
    counting_from = township.counting_from(datetime.date(year, 1, 1))
    if counting_from > datetime.date(year, 1, 1):
        subtitle += "    " + _("Rounds due counted from %(date)s (the day the township started using the system)") % {
            "date": counting_from.isoformat()}
    return write_table(
        sheet_title=_("Year-end review"),
        title=_("%(township)s %(year)s year-end village review") % {"township": township.name, "year": year},
        subtitle=subtitle,
        columns=columns, rows=year_review_rows(township, year, today), totals_label=_("Total"),
        footer=unit_footer(unit_name),
    )


# --- 信访工作条例 Art 41: the annual report data ---------------------------------------------------

def export_annual_report(petitions, *, township, year, unit_name):
    """The year's statistics, fields involved, most complained-about units, forwarded / assigned /
    supervised counts (信访工作条例 Art 41)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    year_cases = petitions.filter(received_on__range=(first, last))
    subtitle = _("Township: %(township)s    Year: %(year)s") % {"township": township.name, "year": year}
    footer = unit_footer(unit_name)
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
    two = [Column((pgettext("annual report", "Item"),), 30), Column((pgettext("annual report", "Count"),), 10)]
    return write_workbook([
        Sheet(_("Statistics"), _("%(township)s %(year)s petition work report data") % {"township": township.name, "year": year},
              subtitle, two, summary, None, footer),
        Sheet(_("Fields involved"), _("Fields involved"), subtitle,
              [Column((pgettext("annual report", "Category"),), 30), Column((pgettext("annual report", "Count"),), 10, total=True)],
              [(name or _("Uncategorised"), n) for name, n in fields], _("Total"), footer),
        Sheet(_("Complained about"), _("Most complained-about units and persons"), subtitle,
              [Column((pgettext("annual report", "Unit or person"),), 30), Column((pgettext("annual report", "Count"),), 10)],
              [(name, n) for name, n in units] + [(name, n) for name, n in parties], None, footer),
    ])


# --- the county's 月报 and 年终考评表 (docs/domain.md §10): a summary sheet and one sheet per township ----

def export_county_monthly(petitions, *, county, townships, first, last, unit_name):
    """The county's monthly statistics: one row per township on the summary sheet, then each township's
    counts by village on its own sheet; the same columns and counts as the township's 月报."""
    today = timezone.localdate()
    period_text = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    footer = unit_footer(unit_name)
    subtitle = _("County: %(county)s    Period: %(period)s") % {"county": county.name, "period": period_text}
    sheets = [Sheet(_("County summary"), _("%(county)s petition statistics by township") % {"county": county.name},
                    subtitle, _petition_stat_columns(pgettext("monthly report", "Township")),
                    list(petition_stats(petitions, "township", [(t.pk, t.name) for t in townships], first, last,
                                        today)), _("Total"), footer)]
    for township in townships:
        villages = [(v.pk, v.name) for v in township.villages.order_by("sort_order", "name")]
        sheets.append(Sheet(
            township.name, _("%(township)s petition and dispute statistics") % {"township": township.name},
            _("Township: %(township)s    Period: %(period)s") % {"township": township.name, "period": period_text},
            _petition_stat_columns(_("Village")),
            list(petition_stats(petitions.filter(township=township), "village", villages + [(None, _("No village"))],
                                first, last, today)), _("Total"), footer))
    return write_workbook(sheets)


def _township_total(township, rows, year, today):
    """One township's line of the county's year-end review: its villages' counts added up, rates recomputed."""
    sums = [sum(row[i] for row in rows) for i in range(1, 9)]
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    opinions = Petition.objects.filter(township=township, received_on__range=(first, last)).aggregate(
        overdue=Count("pk", filter=Q(status__in=Petition.OPEN_STATUSES, due_on__lt=today)),
        evaluated=Count("pk", filter=Q(opinion__in=["satisfied", "basically", "dissatisfied"])),
        satisfied=Count("pk", filter=Q(opinion__in=["satisfied", "basically"])))
    return [township.name, *sums, Figure("", "", "", sums[5], sums[4]).rate, Figure("", "", "", sums[7], sums[6]).rate,
            opinions["overdue"], Figure("", "", "", opinions["satisfied"], opinions["evaluated"]).rate]


def export_county_year_review(county, townships, year, *, unit_name):
    """The county's year-end review: one line per township on the summary sheet, then each township's
    review by village (the township's 年终考评表, year_review_rows) on its own sheet."""
    today = timezone.localdate()
    footer = unit_footer(unit_name)
    per_township = [(township, list(year_review_rows(township, year, today))) for township in townships]
    summary = [_township_total(township, rows, year, today) for township, rows in per_township]
    sheets = [Sheet(_("County summary"), _("%(county)s %(year)s year-end review by township") % {
        "county": county.name, "year": year}, _("County: %(county)s    Year: %(year)s") % {
        "county": county.name, "year": year}, _year_review_columns(pgettext("year review", "Township")), summary,
        _("Total"), footer)]
    for township, rows in per_township:
        sheets.append(Sheet(
            township.name, _("%(township)s %(year)s year-end village review") % {"township": township.name, "year": year},
            _("Township: %(township)s    Year: %(year)s") % {"township": township.name, "year": year},
            _year_review_columns(pgettext("year review", "Village")), rows, _("Total"), footer))
    return write_workbook(sheets)
