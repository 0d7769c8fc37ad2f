"""Petition ledger rows (信访台账) read and written as historic cases (docs/domain.md §9).

A historic case keeps the dates and the status the sheet gives, gets a number in its own year's
sequence (office/numbering.py), its people through office/people.py, and one timeline entry
"由台账导入" naming the file, the row and the original number. It carries no running deadline
(``due_on`` is empty), so it never shows in an overdue queue or a reminder.
"""
from collections import Counter, defaultdict

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from office import calendar
from office.adoption import adoption_day
from office.models import TimeLimits, Unit, Village
from office.numbering import reserve_numbers
from office.people import find_or_create_people
from office.setup import township_list
from petitions.models import CaseEvent, ContentCategory, Petition, PetitionCounter, PetitionParty, ReturnVisit
from petitions.services import petition_number

from .bulk import copy_history
from .kinds import CHOICE, DATE, IDS, LOOKUP, NAMES, PHONES, TEXT
from .layout import normalise
from .models import ImportedPerson, ImportedRow
from .reading import cell_text, is_blank
from .undo import delete_cases, delete_people, give_numbers_back, worked_on
from .values import CellError, parse_date, parse_id_number, parse_phone, split_lines

S = Petition.Status
CLOSED = {S.ARCHIVED, S.NOT_ACCEPTED, S.FORWARDED}
BATCH = 2000  # rows per INSERT where the backend allows it (SQLite's parameter limit makes fewer)
ALIASES = {
    "channel": {"来访": "visit", "走访": "visit", "上访": "visit", "来信": "letter", "信件": "letter", "来电": "phone",
                "电话": "phone", "网上": "online", "网上信访": "online", "网信": "online", "传真": "fax"},
    "purpose": {"求决": "seek_solution", "申诉": "appeal", "检举": "report", "控告": "report", "检举控告": "report",
                "建议": "suggestion", "意见建议": "suggestion", "咨询": "consult", "其他": "other"},
    "decision": {"受理": "accept", "予以受理": "accept", "已受理": "accept", "不予受理": "not_accept", "不受理": "not_accept",
                 "转送": "forward", "转办": "forward", "转送有权机关": "forward"},
    "opinion": {"满意": "satisfied", "基本满意": "basically", "不满意": "dissatisfied", "未评价": "none", "无": "none"},
    "status": {"已办结": "archived", "办结": "archived", "已结案": "archived", "结案": "archived", "归档": "archived",
               "办理中": "in_progress", "在办": "in_progress", "已受理": "accepted", "已答复": "replied",
               "不予受理": "not_accepted", "已转送": "forwarded"},
}
CHOICES = {
    "channel": Petition.Channel.choices, "purpose": Petition.Purpose.choices, "decision": Petition.Decision.choices,
    "opinion": Petition.Opinion.choices, "status": Petition.Status.choices,
}
DATE_FIELDS = ["received_on", "decided_on", "assigned_on", "signed_on", "handling_due_on", "replied_on", "opinion_on",
               "visited_on", "archived_on"]


def choice_words():
    """{field: {normalised Chinese word: value}}: the system's own labels, then the words offices use."""
    words = {}
    with translation.override("zh-hans"):
        for key, choices in CHOICES.items():
            words[key] = {normalise(str(label)): value for value, label in choices}
            words[key].update({normalise(word): value for word, value in ALIASES.get(key, {}).items()})
            words[key].update({value: value for value, _label in choices})
    return words


def choice_options(key):
    """[(value, label)] a user may map an unknown word of this column to."""
    return [(value, str(label)) for value, label in CHOICES[key]]


def lookup_options(key, township):
    if key == "category":  # the township's list (office/setup.py)
        return [(str(c.pk), c.name) for c in township_list(ContentCategory, township) if c.is_active]
    if key == "village":
        return [(str(v.pk), v.name) for v in township.villages.filter(is_active=True)]
    if key == "unit":
        return ([(f"u{u.pk}", u.name) for u in township.units.all()]
                + [(f"v{v.pk}", v.name) for v in township.villages.filter(is_active=True)])
    return choice_options(key)


class RowReader:
    """Reads one row into the values of a case, or the problems that refuse it."""

    def __init__(self, ledger):
        self.ledger = ledger
        self.kind = ledger.kind
        self.township = ledger.township
        self.words = choice_words()
        self.categories = {normalise(c.name): str(c.pk) for c in township_list(ContentCategory, self.township)}
        self.villages = {normalise(v.name): str(v.pk) for v in Village.objects.filter(township=self.township)}
        self.units = {normalise(u.name): f"u{u.pk}" for u in Unit.objects.filter(township=self.township)}
        self.units.update({name: f"v{pk}" for name, pk in self.villages.items() if name not in self.units})
        self.unknown = defaultdict(Counter)
        self.today = timezone.localdate()

    def _problem(self, number, key, reason):
        from .engine import Problem

        return Problem(number, self.ledger.column_name(key), reason)

    def _mapped(self, key, text):
        return (self.ledger.value_map.get(key) or {}).get(text)

    def read(self, number, raw):
        values, problems = {}, []
        for f in self.kind.fields:
            if f.key not in raw:
                continue
            value = raw[f.key]
            try:
                values[f.key] = self._cell(f, value)
            except CellError as error:
                problems.append(self._problem(number, f.key, str(error)))
        for f in self.kind.fields:
            if f.required and f.key in raw and is_blank(raw[f.key]) and not any(p.column == self.ledger.column_name(f.key) for p in problems):
                problems.append(self._problem(number, f.key, _("This column is required and the cell is empty.")))
        if not problems:
            problems += self._check_row(number, values)
        return (None if problems else self._complete(values)), problems

    def _cell(self, f, value):
        if f.type == DATE:
            return None if is_blank(value) else parse_date(value)
        if f.type == TEXT:
            text = cell_text(value)
            limit = {"title": 200, "original_number": 60}.get(f.key)
            if limit and len(text) > limit:
                raise CellError(_("At most %(limit)s characters.") % {"limit": limit})
            return text
        if f.type == NAMES:
            names = [cell_text(v) for v in split_lines(value)]
            if any(len(name) > 40 for name in names):
                raise CellError(_("A name has at most 40 characters: put one person per line."))
            return names
        if f.type == IDS:
            return [parse_id_number(v) for v in split_lines(value)]
        if f.type == PHONES:
            return [parse_phone(v) for v in split_lines(value)]
        if f.type in (CHOICE, LOOKUP):
            return self._word(f, value)
        raise AssertionError(f.type)

    def _word(self, f, value):
        text = cell_text(value)
        if not text:
            return ""
        mapped = self._mapped(f.key, text)
        if mapped is not None:
            return mapped
        found = self._table(f.key).get(normalise(text))
        if found is not None:
            return found
        self.unknown[f.key][text] += 1
        if f.type == LOOKUP:
            return ""  # left empty unless the user maps it (the preview lists it)
        raise CellError(_("“%(value)s” is not one of this column's values; map it to one in the list above the rows.")
                        % {"value": text})

    def _table(self, key):
        """{normalised word: value} for a choice or lookup column."""
        return {"category": self.categories, "village": self.villages, "unit": self.units}.get(key) or self.words[key]

    def _check_row(self, number, values):
        problems = []
        received = values.get("received_on")
        if received and received > self.today:
            problems.append(self._problem(number, "received_on", _("The received date cannot be in the future.")))
        for key in DATE_FIELDS[1:]:
            if key == "handling_due_on":
                continue
            day = values.get(key)
            if received and day and day < received:
                problems.append(self._problem(number, key, _("This date is before the received date.")))
            elif day and day > self.today:
                problems.append(self._problem(number, key, _("This date is in the future.")))
        names = values.get("names") or []
        if not names:
            problems.append(self._problem(number, "names", _("This column is required and the cell is empty.")))
        for key in ("id_numbers", "phones"):
            if len(values.get(key) or []) > len(names):
                problems.append(self._problem(number, key, _("More entries than petitioners: put one person per line in each column.")))
        return problems

    def _complete(self, values):
        """The status the sheet says, else the one its dates say (a reply and no open step: closed)."""
        values.setdefault("channel", "")
        values["channel"] = values["channel"] or Petition.Channel.VISIT
        values["purpose"] = values.get("purpose") or Petition.Purpose.OTHER
        values["request"] = values.get("request") or values["title"]
        if not values.get("status"):
            decision = values.get("decision")
            if values.get("archived_on") or values.get("replied_on"):
                values["status"] = S.ARCHIVED
            elif decision == Petition.Decision.NOT_ACCEPT:
                values["status"] = S.NOT_ACCEPTED
            elif decision == Petition.Decision.FORWARD:
                values["status"] = S.FORWARDED
            elif values.get("assigned_on"):
                values["status"] = S.IN_PROGRESS if values.get("signed_on") else S.ASSIGNED
            elif decision or values.get("decided_on"):
                values["status"] = S.ACCEPTED
            else:
                values["status"] = S.REGISTERED
        return values

    def present(self, rows):
        """The sheet rows of ``rows`` already in the system: an earlier import of the same row
        (same original number, else same fingerprint), or this system's case of that number and date."""
        return self.present_by_number(rows, Petition, "received_on")

    def present_by_number(self, rows, model, date_field):
        """Rows imported before (same original number, else fingerprint), or a case of ``model`` with
        that number and the same ``date_field`` (a ledger this system exported)."""
        township, kind = self.township, self.kind.key
        originals = {v.get("original_number") for _n, _f, v in rows if v.get("original_number")}
        fingerprints = {f for _n, f, _v in rows}
        known_numbers = set(ImportedRow.objects.filter(
            township=township, kind=kind, original_number__in=originals).values_list("original_number", flat=True))
        known_prints = set(ImportedRow.objects.filter(
            township=township, kind=kind, fingerprint__in=fingerprints).values_list("fingerprint", flat=True))
        own = set(model.objects.filter(township=township, number__in=originals).values_list("number", date_field))
        found = set()
        for number, fingerprint, values in rows:
            original = values.get("original_number")
            if original and (original in known_numbers or (original, values[date_field]) in own):
                found.add(number)
            elif not original and fingerprint in known_prints:
                found.add(number)
        return found


class Writer:
    """Writes accepted rows as petitions, a chunk at a time (bulk inserts, history rows included)."""

    def __init__(self, ledger, batch, by):
        self.ledger, self.batch, self.by = ledger, batch, by
        self.township = ledger.township
        self.decision_days = TimeLimits.for_township(self.township).decision_days
        self.decision_due = {}
        self.now = timezone.now()
        # Open cases are work from the day they come in, not overdue for the days before (office/adoption.py).
        self.counts_from = adoption_day(self.township, timezone.localdate(self.now))
        self.reason = _("Imported from a ledger")
        self.villages = {v.pk: v for v in Village.objects.filter(township=self.township)}

    def _due(self, received_on):
        if received_on not in self.decision_due:
            self.decision_due[received_on] = calendar.add_days(received_on, self.decision_days, self.township)
        return self.decision_due[received_on]

    def write(self, rows):
        if not rows:
            return
        by_year = Counter(values["received_on"].year for _n, _f, values in rows)
        next_sequence = {year: reserve_numbers(PetitionCounter, count, township=self.township, year=year)
                         for year, count in sorted(by_year.items())}
        petitions, party_rows = [], []
        for number, fingerprint, values in rows:
            petition = self._petition(values)
            year = petition.year
            petition.sequence = next_sequence[year]
            next_sequence[year] += 1
            petition.number = petition_number(year, petition.sequence)
            petitions.append(petition)
            ids, phones = values.get("id_numbers") or [], values.get("phones") or []
            village = self.villages.get(petition.village_id)
            party_rows.append([
                {"name": name, "id_number": ids[index] if index < len(ids) else "",
                 "phone": phones[index] if index < len(phones) else "", "case_village": village}
                for index, name in enumerate(values["names"])
            ])
        found, new = find_or_create_people(
            self.township, [row for rows_of_case in party_rows for row in rows_of_case], by=self.by, reason=self.reason)
        ImportedPerson.objects.bulk_create([ImportedPerson(batch=self.batch, person=p) for p in new], batch_size=1000)
        people_of, position = [], 0
        for petition, rows_of_case in zip(petitions, party_rows):
            people = []
            for person in found[position:position + len(rows_of_case)]:
                if person not in people:
                    people.append(person)
            position += len(rows_of_case)
            people_of.append(people)
            if petition.village_id is None:
                petition.village_id = next((p.village_id for p in people if p.village_id), None)
        petitions = Petition.objects.bulk_create(petitions, batch_size=BATCH)
        if any(p.pk is None for p in petitions):  # a backend that returns no keys from a bulk insert
            numbers = {p.number: p for p in petitions}
            for pk, number in Petition.objects.filter(township=self.township, number__in=numbers).values_list("pk", "number"):
                numbers[number].pk = pk
        copy_history(Petition, [p.pk for p in petitions], user=self.by, reason=self.reason, date=self.now)
        PetitionParty.objects.bulk_create([
            PetitionParty(petition=petition, person=person, position=position)
            for petition, people in zip(petitions, people_of) for position, person in enumerate(people)
        ], batch_size=1000)
        visits = [ReturnVisit(petition=petition, due_on=values["visited_on"], visited_on=values["visited_on"])
                  for petition, (_n, _f, values) in zip(petitions, rows) if values.get("visited_on")]
        if visits:
            bulk_create_with_history(visits, ReturnVisit, batch_size=500, default_user=self.by,
                                     default_change_reason=self.reason, default_date=self.now)
        file_name = self.batch.file_name
        CaseEvent.objects.bulk_create([
            CaseEvent(petition=petition, actor=self.by, at=self.now, action=CaseEvent.Action.IMPORTED,
                      to_status=petition.status, note=_event_note(file_name, number, values.get("original_number")))
            for petition, (number, _f, values) in zip(petitions, rows)
        ], batch_size=1000)
        ImportedRow.objects.bulk_create([
            ImportedRow(batch=self.batch, township=self.township, kind=self.batch.kind, row_number=number,
                        original_number=values.get("original_number", ""), fingerprint=fingerprint, petition=petition)
            for petition, (number, fingerprint, values) in zip(petitions, rows)
        ], batch_size=1000)

    def _petition(self, values):
        decision = values.get("decision") or ""
        decided_on = values.get("decided_on")
        unit = values.get("unit") or ""
        status = values["status"]
        if not decision and status in (S.NOT_ACCEPTED, S.FORWARDED):
            decision = Petition.Decision.NOT_ACCEPT if status == S.NOT_ACCEPTED else Petition.Decision.FORWARD
        return Petition(
            township=self.township, year=values["received_on"].year, channel=values["channel"],
            received_on=values["received_on"], purpose=values["purpose"],
            confidential=values["purpose"] == Petition.Purpose.REPORT,
            category_id=int(values["category"]) if values.get("category") else None,
            title=values["title"], request=values["request"],
            village_id=int(values["village"]) if values.get("village") else None,
            status=status, decision_due_on=self._due(values["received_on"]), due_on=None,
            proposed_decision=decision if decided_on else "", decided_on=decided_on,
            accepted_on=decided_on if decision == Petition.Decision.ACCEPT else None,
            assigned_unit_id=int(unit[1:]) if unit.startswith("u") else None,
            assigned_village_id=int(unit[1:]) if unit.startswith("v") else None,
            assigned_on=values.get("assigned_on"), signed_on=values.get("signed_on"),
            handling_due_on=values.get("handling_due_on"), replied_on=values.get("replied_on"),
            opinion=values.get("opinion") or "", opinion_on=values.get("opinion_on"),
            archived_on=values.get("archived_on"), registered_by=self.by, counts_from=self.counts_from,
        )


def _event_note(file_name, row, original):
    note = _("File %(file)s, row %(row)s.") % {"file": file_name, "row": row}
    if original:
        note += " " + _("Original number: %(number)s.") % {"number": original}
    return note


def batch_cases(batch):
    return Petition.objects.filter(imported_from__batch=batch)


def changed_cases(batch):
    return worked_on(batch_cases(batch))


def case_label(petition):
    return petition.number


def undo(batch, by):
    """Delete the batch's cases, give their numbers back, and remove the people only they referred to.

    Returns False, having changed nothing the caller keeps (it rolls back), when numbers were
    issued after the batch's in one of its years: giving them back would leave a gap.
    """
    cases = batch_cases(batch)
    if not give_numbers_back(cases, PetitionCounter, township=batch.township):
        return False
    delete_cases(cases, by)
    delete_people(batch)
    return True
