"""People's mediation ledger rows (人民调解台账) read and written as historic cases (docs/domain.md §9).

A case belongs to its committee: a village's (the cell names the village, with or without
人民调解委员会) or the township's (the cell names a township, 乡/镇 …人民调解委员会, or is empty). It keeps
its dates, its result and its agreement as the sheet says, gets a number in its registration year's
sequence (TJ-2024-0007), and its original number in the timeline entry "由台账导入". Its status follows
from the sheet: a termination → terminated; an agreement performed → archived; an agreement in effect
not yet performed → being performed; an agreement not in effect → awaiting signatures; no result →
registered. A closed case (terminated or archived) is in no queue or reminder; the others are work
still to do. No confirmation window is opened for a historic agreement.
"""
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from disputes.models import MediationAgreement, MediationCase, MediationCounter, MediationEvent, MediationParty
from disputes.models.mediation import CaseClass, MediationReturnVisit
from office import calendar
from office.adoption import adoption_day
from office.models import EscalationLevel, TimeLimits
from office.numbering import reserve_numbers
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
from .layout import normalise
from .models import ImportedPerson, ImportedRow
from .petitions import BATCH, _event_note
from .undo import delete_cases, delete_people, give_numbers_back, worked_on

S = MediationCase.Status
A = MediationAgreement
TOWNSHIP = "t"
AGREED = "agreed"
CHOICES = {
    "source": (MediationCase.Source.choices, {"申请": "application", "当事人申请": "application", "主动调解": "initiative",
                                              "排查": "ledger", "排查台帐纠纷": "ledger",
                                              "排查台账纠纷": "ledger", "信访": "petition", "公安委托": "police", "法院委托": "court"}),
    "case_class": (CaseClass.choices, {"一类": 1, "二类": 2, "三类": 3, "1": 1, "2": 2, "3": 3}),
    "procedure": (MediationCase.Procedure.choices, {"简易程序": "simple", "简易": "simple", "一般程序": "standard", "一般": "standard"}),
    "outcome": (list(MediationCase.Termination.choices) + [(AGREED, gettext_lazy("Agreement reached"))],
                {"调解成功": AGREED, "成功": AGREED, "达成协议": AGREED, "调解不成": "failed", "调解不成功": "failed",
                 "失败": "failed", "拒绝调解": "refused", "撤回": "withdrawn", "撤回申请": "withdrawn", "移交派出所": "transferred"}),
    "agreement_form": (A.Form.choices, {"书面": "written", "口头": "oral"}),
    "performance": (A.Performance.choices, {"未履行": "pending", "履行完毕": "performed", "已履行完毕": "performed",
                                           "部分履行": "partial", "不履行": "defaulted", "拒不履行": "defaulted"}),
    "confirmation_result": (A.Confirmation.choices, {"有效": "confirmed", "无效": "invalid", "驳回": "rejected"}),
}
AGREEMENT_KEYS = ("agreement_number", "agreement_form", "effective_on", "perform_by", "performance",
                  "confirmation_applied_on", "court", "confirmation_result")


def lookup_options(key, township):
    if key == "committee":
        return [(TOWNSHIP, township.name)] + [(str(v.pk), v.name) for v in township.villages.filter(is_active=True)]
    if key == "dispute_type":
        return dispute_type_options(township)
    return [(str(value), str(label)) for value, label in CHOICES[key][0]]


class RowReader(DisputeRowReader):
    def __init__(self, ledger):
        super().__init__(ledger)
        committees = {}
        for village in ledger.township.villages.all():
            committees[normalise(village.name)] = str(village.pk)
            committees[normalise(f"{village.name}人民调解委员会")] = str(village.pk)
            committees[normalise(f"{village.name}调委会")] = str(village.pk)
        self.tables = {"committee": committees, "dispute_type": dispute_types(ledger.township)}
        self.tables.update({key: words_of(choices, aliases) for key, (choices, aliases) in CHOICES.items()})
        self.mediation_days = TimeLimits.for_township(ledger.township).mediation_days

    def _word(self, f, value):
        if f.key == "committee":
            text = normalise(value)
            if not text or text in (normalise(self.township.name), normalise(f"{self.township.name}人民调解委员会")):
                return TOWNSHIP
            if text not in self.tables["committee"] and text.rstrip("人民调解委员会").endswith(("乡", "镇", "街道")):
                return TOWNSHIP  # a township's committee (its name as another office wrote it)
        return super()._word(f, value)

    def _check_row(self, number, values):
        problems = []
        registered = values["registered_on"]
        if registered > self.today:
            problems.append(self._problem(number, "registered_on", _("This date is in the future.")))
        for key in ("due_on", "closed_on", "effective_on", "perform_by", "confirmation_applied_on", "visited_on"):
            day = values.get(key)
            if day and day < registered:
                problems.append(self._problem(number, key, _("This date is before the registration date.")))
            elif day and day > self.today and key not in ("due_on", "perform_by"):
                problems.append(self._problem(number, key, _("This date is in the future.")))
        if not values.get("dispute_type"):
            if values.get("dispute_type") == "":
                problems.append(self._problem(number, "dispute_type", _("Map this dispute type to one of the system's.")))
        for key in ("applicants", "respondents"):
            if not values.get(key):
                problems.append(self._problem(number, key, _("This column is required and the cell is empty.")))
        if len(values.get("id_numbers") or []) > len(values.get("applicants") or []) + len(values.get("respondents") or []):
            problems.append(self._problem(number, "id_numbers", _("More entries than parties: put one person per line in each column.")))
        if len(values.get("title") or "") > 100:
            problems.append(self._problem(number, "title", _("At most %(limit)s characters.") % {"limit": 100}))
        outcome = values.get("outcome")
        if outcome and outcome != AGREED and not values.get("closed_on"):
            problems.append(self._problem(number, "closed_on", _("A mediation that ended needs the date it ended.")))
        if values.get("closed_on") and not outcome and not any(values.get(k) for k in AGREEMENT_KEYS):
            problems.append(self._problem(number, "outcome", _("A mediation that ended needs its result.")))
        return problems

    def _complete(self, values):
        values["source"] = values.get("source") or MediationCase.Source.APPLICATION
        values["case_class"] = int(values.get("case_class") or CaseClass.TWO)
        values["procedure"] = values.get("procedure") or MediationCase.Procedure.STANDARD
        values["due_on"] = values.get("due_on") or calendar.add_days(values["registered_on"], self.mediation_days,
                                                                     self.township)
        has_agreement = values.get("outcome") == AGREED or any(values.get(k) for k in AGREEMENT_KEYS)
        values["has_agreement"] = has_agreement
        if values.get("outcome") and values["outcome"] != AGREED:
            values["status"] = S.TERMINATED
        elif has_agreement and values.get("performance") == A.Performance.PERFORMED:
            values["status"] = S.ARCHIVED
        elif has_agreement and values.get("effective_on"):
            values["status"] = S.PERFORMING
        elif has_agreement:
            values["status"] = S.AGREED
        else:
            values["status"] = S.REGISTERED
        return values

    def present(self, rows):
        """Rows imported before (same original number, else fingerprint), or this system's case of that
        number and registration date."""
        return self.present_by_number(rows, MediationCase, "registered_on")


class Writer:
    """Writes accepted rows as mediation cases with their parties and agreements, a chunk at a time."""

    def __init__(self, ledger, batch, by):
        self.ledger, self.batch, self.by = ledger, batch, by
        self.township = ledger.township
        self.now = timezone.now()
        # Open cases are work from the day they come in, not overdue for the days before (office/adoption.py).
        self.counts_from = adoption_day(self.township, timezone.localdate(self.now))
        self.reason = _("Imported from a ledger")
        self.villages = {v.pk: v for v in self.township.villages.all()}
        self.level = EscalationLevel.objects.order_by("rank").values_list("pk", flat=True).first()

    def write(self, rows):
        if not rows:
            return
        by_year = Counter(values["registered_on"].year for _n, _f, values in rows)
        next_sequence = {year: reserve_numbers(MediationCounter, count, township=self.township, series="case", year=year)
                         for year, count in sorted(by_year.items())}
        cases, parties, roles = [], [], []
        for _number, _fingerprint, values in rows:
            year = values["registered_on"].year
            sequence = next_sequence[year]
            next_sequence[year] += 1
            committee = values.get("committee")
            village_id = int(committee) if committee and committee != TOWNSHIP else None
            outcome = values.get("outcome") or ""
            cases.append(MediationCase(
                township=self.township, number=f"TJ-{year}-{sequence:04d}", year=year, sequence=sequence,
                committee_village_id=village_id, source=values["source"], title=values["title"],
                dispute_type_id=int(values["dispute_type"]), facts=values["title"], case_class=values["case_class"],
                procedure=values["procedure"], ladder_level_id=self.level, status=values["status"],
                registered_on=values["registered_on"], due_on=max(values["due_on"], values["registered_on"]),
                closed_on=values.get("closed_on"), termination=outcome if outcome != AGREED else "",
                archived_on=None, registered_by=self.by, counts_from=self.counts_from,
            ))
            names = values["applicants"] + values["respondents"]
            parties.append(party_rows(names, values.get("id_numbers") or [], village=self.villages.get(village_id)))
            roles.append([MediationParty.Role.APPLICANT] * len(values["applicants"])
                         + [MediationParty.Role.RESPONDENT] * len(values["respondents"]))
        found, new = find_or_create_people(self.township, [p for case in parties for p in case], by=self.by,
                                           reason=self.reason)
        ImportedPerson.objects.bulk_create([ImportedPerson(batch=self.batch, person=p) for p in new], batch_size=1000)
        cases = MediationCase.objects.bulk_create(cases, batch_size=BATCH)
        if any(c.pk is None for c in cases):  # a backend that returns no keys from a bulk insert
            numbers = {c.number: c for c in cases}
            for pk, number in MediationCase.objects.filter(township=self.township, number__in=numbers).values_list("pk", "number"):
                numbers[number].pk = pk
        copy_history(MediationCase, [c.pk for c in cases], user=self.by, reason=self.reason, date=self.now)
        links, position = [], 0
        for case, case_parties, case_roles in zip(cases, parties, roles):
            people = found[position:position + len(case_parties)]
            position += len(case_parties)
            seen = unique_people(people)
            links += [MediationParty(case=case, person=person, role=case_roles[people.index(person)], position=i)
                      for i, person in enumerate(seen)]
        MediationParty.objects.bulk_create(links, batch_size=1000)
        agreements, visits = [], []
        for case, (_n, _f, values) in zip(cases, rows):
            if values["has_agreement"]:
                effective = values.get("effective_on")
                agreements.append(A(
                    case=case, form=values.get("agreement_form") or A.Form.WRITTEN,
                    number=(values.get("agreement_number") or "")[:60], drafted_by=self.by, drafted_at=self.now,
                    finalised_at=self.now if effective else None, finalised_by=self.by if effective else None,
                    effective_on=effective, performance_deadline=values.get("perform_by"),
                    performance_status=values.get("performance") or A.Performance.PENDING,
                    confirmation_applied_on=values.get("confirmation_applied_on"),
                    confirmation_court=(values.get("court") or "")[:100],
                    confirmation_result=values.get("confirmation_result") or "",
                ))
            if values.get("visited_on"):
                visits.append(MediationReturnVisit(case=case, due_on=values["visited_on"], visited_on=values["visited_on"]))
        if agreements:
            bulk_create_with_history(agreements, A, batch_size=500, default_user=self.by,
                                     default_change_reason=self.reason, default_date=self.now)
        if visits:
            MediationReturnVisit.objects.bulk_create(visits, batch_size=1000)
        file_name = self.batch.file_name
        MediationEvent.objects.bulk_create([
            MediationEvent(case=case, actor=self.by, at=self.now, action=MediationEvent.Action.IMPORTED,
                           to_status=case.status, note=_event_note(file_name, number, values.get("original_number")))
            for case, (number, _f, values) in zip(cases, rows)
        ], batch_size=1000)
        ImportedRow.objects.bulk_create([
            ImportedRow(batch=self.batch, township=self.township, kind=self.batch.kind, row_number=number,
                        original_number=values.get("original_number", ""), fingerprint=fingerprint, mediation_case=case)
            for case, (number, fingerprint, values) in zip(cases, rows)
        ], batch_size=1000)


def batch_cases(batch):
    return MediationCase.objects.filter(imported_from__batch=batch)


def changed_cases(batch):
    return worked_on(batch_cases(batch))


def case_label(case):
    return case.number


def undo(batch, by):
    """Delete the batch's cases and give their numbers back (False when later numbers would leave a gap)."""
    cases = batch_cases(batch)
    if not give_numbers_back(cases, MediationCounter, township=batch.township, series="case"):
        return False
    delete_cases(cases, by)
    delete_people(batch)
    return True
