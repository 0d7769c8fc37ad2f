"""Screening ledger rows (矛盾纠纷排查台账) read and written as historic ledger entries (docs/domain.md §9).

Every entry belongs to a screening round. An imported entry belongs to the imported round of its
unit (village, or the township center) and month: a round of the period kind "imported", created by
the first batch that needs it, filed by the importer at the time of the import. No cadence asks for
such a round, so it is never counted as filed for compliance, and never as missing. The entry keeps
its dates, status and outcome as the sheet says, its people through office/people.py, and one
timeline entry "由台账导入" naming the file and the row. A closed entry is in no queue or reminder;
an open one is work still to do and is carried into its unit's next round like any other.
"""
import calendar as pycalendar
import re

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from disputes.models import EntryEvent, EntryParty, LedgerEntry, RiskLevel, RoundEntry, ScreeningRound
from disputes.periods import PeriodKind
from office.adoption import adoption_day
from office.models import Unit
from office.people import find_or_create_people

from .bulk import copy_history
from .historic import (
    DisputeRowReader,
    dispute_type_options,
    dispute_types,
    party_rows,
    unique_people,
    words_of,
)
from .kinds import has_resolution
from .layout import normalise
from .models import ImportedPerson, ImportedRound, ImportedRow
from .petitions import BATCH, _event_note
from .undo import delete_cases, delete_people
from .values import CellError, parse_date

S = LedgerEntry.Status
TOWNSHIP = "t"  # the township center's own ledger (no village)
STATUS_ALIASES = {"在化解": S.IN_PROGRESS, "化解中": S.IN_PROGRESS, "正在化解": S.IN_PROGRESS, "在办": S.IN_PROGRESS,
                  "办理中": S.IN_PROGRESS, "已调处": S.RESOLVED, "调处成功": S.RESOLVED, "化解": S.RESOLVED,
                  "已办结": S.RESOLVED, "办结": S.RESOLVED, "已化解": S.RESOLVED, "未化解": S.UNRESOLVED,
                  "化解不成": S.UNRESOLVED, "移交": S.TRANSFERRED, "已移交": S.TRANSFERRED, "已移送": S.TRANSFERRED}
RESOLUTION_ALIASES = {"调解": "mediated", "调解化解": "mediated", "人民调解": "mediated", "和解": "settled",
                      "自行和解": "settled", "其他": "other"}


def lookup_options(key, township):
    if key == "unit":
        return [(TOWNSHIP, _("Township center"))] + [(str(v.pk), v.name) for v in township.villages.filter(is_active=True)]
    if key in ("category", "subtype"):
        return dispute_type_options(township)
    if key == "risk":
        return [(str(r.pk), r.name) for r in RiskLevel.objects.filter(is_active=True).order_by("rank")]
    return [(value, str(label)) for value, label in _choices(key)]


def _choices(key):
    if key == "status":
        return S.choices
    return LedgerEntry.Resolution.choices  # type: ignore[attr-defined]


class RowReader(DisputeRowReader):
    def __init__(self, ledger):
        super().__init__(ledger)
        units = {normalise(v.name): str(v.pk) for v in ledger.township.villages.all()}
        with translation.override("zh-hans"):  # the words this system's export writes
            center = _("Township center")
            self.routing_words = (normalise(_("Transferred to")), normalise(_("Special meeting")),
                                  normalise(_("Mediation requested")))
        for name in (center, "综治中心", "乡综治中心", "镇综治中心", ledger.township.name,
                     f"{ledger.township.name}综治中心"):
            units.setdefault(normalise(name), TOWNSHIP)
        types = dispute_types(ledger.township)
        self.tables = {
            "unit": units, "category": types, "subtype": types,
            "risk": {normalise(r.name): str(r.pk) for r in RiskLevel.objects.all()},
            "status": words_of(S.choices, STATUS_ALIASES),
        }
        if has_resolution():
            self.tables["resolution"] = words_of(LedgerEntry.Resolution.choices, RESOLUTION_ALIASES)  # type: ignore[attr-defined]
        self.police = {normalise(u.name): u.pk for u in Unit.objects.filter(township=ledger.township)}
        self.lowest_risk = RiskLevel.objects.order_by("rank").values_list("pk", flat=True).first()

    def _word(self, f, value):
        if f.key == "subtype":
            return value  # read with its category in _check_row
        return super()._word(f, value)

    def _check_row(self, number, values):
        problems = []
        found = values["found_on"]
        if found > self.today:
            problems.append(self._problem(number, "found_on", _("This date is in the future.")))
        for key in ("deadline", "closed_on"):
            day = values.get(key)
            if day and day < found:
                problems.append(self._problem(number, key, _("This date is before the date found.")))
        if values.get("closed_on") and values["closed_on"] > self.today:
            problems.append(self._problem(number, "closed_on", _("This date is in the future.")))
        if not values.get("names"):
            problems.append(self._problem(number, "names", _("This column is required and the cell is empty.")))
        if len(values.get("id_numbers") or []) > len(values.get("names") or []):
            problems.append(self._problem(number, "id_numbers", _("More entries than parties: put one person per line in each column.")))
        if len(values.get("title") or "") > 100:
            problems.append(self._problem(number, "title", _("At most %(limit)s characters.") % {"limit": 100}))
        if not values.get("category"):
            if values.get("category") == "":  # an unknown category: listed above the rows to map
                problems.append(self._problem(number, "category", _("Map this dispute type to one of the system's.")))
        else:
            try:
                values["dispute_type"] = self._dispute_type(values)
            except CellError as error:
                problems.append(self._problem(number, "subtype", str(error)))
        try:
            values.update(self._routing(values.get("routing") or ""))
        except CellError as error:
            problems.append(self._problem(number, "routing", str(error)))
        if not problems:
            problems += self._status_problems(number, values)
        return problems

    def _status_problems(self, number, values):
        problems = []
        status = values.get("status") or self._status(values)
        values["status"] = status
        if status in LedgerEntry.OPEN_STATUSES and not values.get("deadline"):
            problems.append(self._problem(number, "deadline", _("A dispute still open needs its resolve-by date.")))
        if status == S.RESOLVED and not values.get("closed_on"):
            problems.append(self._problem(number, "closed_on", _("A resolved dispute needs the date it was closed.")))
        if status == S.TRANSFERRED and not values.get("transferred_on"):
            problems.append(self._problem(number, "routing", _("A transferred dispute needs “%(words)s” with the unit and the date.")
                                          % {"words": _("Transferred to")}))
        return problems

    def _dispute_type(self, values):
        category = values["category"]
        sub = self.ledger.value_map.get("subtype", {}).get(str(values.get("subtype") or "").strip())
        if sub:
            return sub
        text = normalise(values.get("subtype"))
        if not text:
            return category
        from disputes.models import DisputeType

        parent = DisputeType.objects.filter(pk=category).values_list("parent_id", "name").first()
        name = parent[1] if parent and not parent[0] else ""
        found = self.tables["subtype"].get(f"{normalise(name)}/{text}")
        if found is None:
            self.unknown["subtype"][str(values.get("subtype")).strip()] += 1
            raise CellError(_("“%(value)s” is not one of this column's values; map it to one in the list above the rows.")
                            % {"value": str(values.get("subtype")).strip()})
        return found

    def _routing(self, text):
        """The routing cell as this system's export writes it: one line per step, its name, (the unit,) the date."""
        moves = {}
        transferred, meeting, mediation = self.routing_words
        for line in [normalise(line) for line in str(text).splitlines() if line.strip()]:
            match = re.search(r"(\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?)$", line)
            if match is None:
                raise CellError(_("Each line names a step and ends with its date, e.g. %(example)s.")
                                % {"example": f"{_('Transferred to')} 派出所 2024-03-05"})
            day, head = parse_date(match.group(1)), line[:match.start()]
            if head.startswith(transferred):
                unit = self.police.get(head[len(transferred):])
                if unit is None:
                    raise CellError(_("“%(value)s” is not a unit of this township.") % {"value": head[len(transferred):]})
                moves.update(transferred_to=unit, transferred_on=day)
            elif head.startswith(meeting):
                moves["meeting_referred_on"] = day
            elif head.startswith(mediation):
                moves["mediation_requested_on"] = day
            else:
                raise CellError(_("“%(value)s” is not a step this ledger records.") % {"value": head})
        return moves

    def _status(self, values):
        if values.get("transferred_on"):
            return S.TRANSFERRED
        if values.get("closed_on"):
            return S.RESOLVED
        return S.IN_PROGRESS

    def _complete(self, values):
        values["facts"] = values.get("facts") or values["title"]
        values["head_count"] = values.get("head_count") or max(len(values["names"]), 1)
        values["risk"] = values.get("risk") or (str(self.lowest_risk) if self.lowest_risk else "")
        if not values.get("deadline"):  # a closed dispute without one: its closing day (never before it was found)
            values["deadline"] = max(values.get("closed_on") or values.get("transferred_on") or values["found_on"],
                                     values["found_on"])
        return values

    def present(self, rows):
        """Rows imported before (same fingerprint), or an entry of the same unit, day found and name."""
        township = self.township
        fingerprints = {f for _n, f, _v in rows}
        known = set(ImportedRow.objects.filter(township=township, kind=self.kind.key, fingerprint__in=fingerprints)
                    .values_list("fingerprint", flat=True))
        days = {v["found_on"] for _n, _f, v in rows}
        own = {(village, day, normalise(title)) for village, day, title in LedgerEntry.objects.filter(
            township=township, found_on__in=days).values_list("village_id", "found_on", "title")}
        found = set()
        for number, fingerprint, values in rows:
            village = None if values.get("unit") in ("", TOWNSHIP, None) else int(values["unit"])
            if fingerprint in known or (village, values["found_on"], normalise(values["title"])) in own:
                found.add(number)
        return found


def month_of(day):
    return day.replace(day=1), day.replace(day=pycalendar.monthrange(day.year, day.month)[1])


class Writer:
    """Writes accepted rows as ledger entries in their imported rounds, a chunk at a time."""

    def __init__(self, ledger, batch, by):
        self.ledger, self.batch, self.by = ledger, batch, by
        self.township = ledger.township
        self.now = timezone.now()
        # Open cases are work from the day they come in, not overdue for the days before (office/adoption.py).
        self.counts_from = adoption_day(self.township, timezone.localdate(self.now))
        self.reason = _("Imported from a ledger")
        self.villages = {v.pk: v for v in self.township.villages.all()}
        self.rounds = {}

    def _round(self, village_id, day):
        first, last = month_of(day)
        key = (village_id, first)
        if key not in self.rounds:
            found = ScreeningRound.objects.filter(
                township=self.township, village_id=village_id, kind=PeriodKind.IMPORTED, starts_on=first,
                campaign__isnull=True).first()
            if found is None:
                found = ScreeningRound(
                    township=self.township, village_id=village_id, kind=PeriodKind.IMPORTED, starts_on=first,
                    ends_on=last, due_on=timezone.localdate(self.now), filed_by=self.by, filed_at=self.now,
                    note=_("Entries imported from the ledger %(file)s.") % {"file": self.batch.file_name})
                found._history_user = self.by
                found._change_reason = self.reason
                found.save()
                ImportedRound.objects.create(batch=self.batch, round=found)
            self.rounds[key] = found
        return self.rounds[key]

    def write(self, rows):
        if not rows:
            return
        entries, parties = [], []
        for _number, _fingerprint, values in rows:
            unit = values.get("unit")
            village_id = int(unit) if unit and unit != TOWNSHIP else None
            entry = LedgerEntry(
                township=self.township, village_id=village_id, first_round=self._round(village_id, values["found_on"]),
                found_on=values["found_on"], title=values["title"], head_count=values["head_count"],
                dispute_type_id=int(values["dispute_type"]), place=values.get("place") or "", facts=values["facts"],
                risk_level_id=int(values["risk"]), may_turn_criminal=bool(values.get("criminal")),
                may_become_group=bool(values.get("group")), measures=values.get("measures") or "",
                responsible_person=(values.get("responsible_person") or "")[:40],
                lead_official=(values.get("lead_official") or "")[:40], deadline=values["deadline"],
                status=values["status"], closed_on=values.get("closed_on"), outcome=values.get("outcome") or "",
                transferred_to_id=values.get("transferred_to"), transferred_on=values.get("transferred_on"),
                meeting_referred_on=values.get("meeting_referred_on"),
                mediation_requested_on=values.get("mediation_requested_on"), created_by=self.by, created_at=self.now,
                counts_from=self.counts_from,
            )
            if values.get("resolution"):
                entry.resolution = values["resolution"]
            entries.append(entry)
            parties.append(party_rows(values["names"], values.get("id_numbers") or [], values.get("phones") or [],
                                      values.get("addresses") or [], self.villages.get(village_id)))
        found, new = find_or_create_people(self.township, [p for case in parties for p in case], by=self.by,
                                           reason=self.reason)
        ImportedPerson.objects.bulk_create([ImportedPerson(batch=self.batch, person=p) for p in new], batch_size=1000)
        entries = LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
        if any(e.pk is None for e in entries):  # a backend that returns no keys from a bulk insert
            pks = list(LedgerEntry.objects.filter(township=self.township, created_at=self.now, created_by=self.by)
                       .order_by("pk").values_list("pk", flat=True))[-len(entries):]
            for entry, pk in zip(entries, pks):
                entry.pk = pk
        copy_history(LedgerEntry, [e.pk for e in entries], user=self.by, reason=self.reason, date=self.now)
        links, position = [], 0
        for entry, case in zip(entries, parties):
            people = unique_people(found[position:position + len(case)])
            position += len(case)
            links += [EntryParty(entry=entry, person=person, position=i) for i, person in enumerate(people)]
        EntryParty.objects.bulk_create(links, batch_size=1000)
        RoundEntry.objects.bulk_create([RoundEntry(round=e.first_round, entry=e, status=e.status) for e in entries],
                                       batch_size=1000)
        file_name = self.batch.file_name
        EntryEvent.objects.bulk_create([
            EntryEvent(entry=entry, actor=self.by, at=self.now, action=EntryEvent.Action.IMPORTED,
                       to_status=entry.status, round=entry.first_round, note=_event_note(file_name, number, ""))
            for entry, (number, _f, _v) in zip(entries, rows)
        ], batch_size=1000)
        ImportedRow.objects.bulk_create([
            ImportedRow(batch=self.batch, township=self.township, kind=self.batch.kind, row_number=number,
                        fingerprint=fingerprint, ledger_entry=entry)
            for entry, (number, fingerprint, _v) in zip(entries, rows)
        ], batch_size=1000)


def batch_cases(batch):
    return LedgerEntry.objects.filter(imported_from__batch=batch)


def changed_cases(batch):
    """Entries worked on since the import: a move or edit, a note, or carried into a round filed since."""
    return (batch_cases(batch).annotate(moves=Count("events", distinct=True), rounds=Count("appearances", distinct=True))
            .filter(Q(version__gt=0) | Q(moves__gt=1) | Q(rounds__gt=1)))


def case_label(entry):
    return f"{entry.found_on:%Y-%m-%d} {entry.title}"


def undo(batch, by):
    delete_cases(batch_cases(batch), by)
    for imported in ImportedRound.objects.filter(batch=batch).select_related("round"):
        if not imported.round.found_entries.exists() and not imported.round.items.exists():
            imported.round._history_user = by
            imported.round._change_reason = _("Import undone")
            imported.round.delete()
    delete_people(batch)
    return True

