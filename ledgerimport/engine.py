"""From a ledger file to a preview, and from a confirmed preview to cases (docs/domain.md §9).

``Ledger`` reads a file once to find its header and mapping, then streams its data rows through the
kind's row reader (``petitions.read_row``) as often as needed: the preview reads every row and keeps
only counts, the refused rows and a sample; ``run_import`` reads them again and writes them in chunks,
all inside one transaction, so that a failure half-way leaves nothing behind. ``progress`` is called
after each chunk (the command line shows a bar; a task queue could report it).
"""
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import KINDS, kind_signatures
from .layout import find_header, is_summary, normalise, resolve
from .models import ImportBatch, SavedMapping
from .reading import UnreadableFile, cell_text, is_blank, open_sheet

CHUNK = 1000
SAMPLE = 20


class LedgerError(Exception):
    """The file cannot be imported as this ledger; the message says why. Nothing was written."""


@dataclass
class Problem:
    row: int
    column: str
    reason: str


@dataclass
class Preview:
    total: int = 0  # data rows read
    accepted: int = 0
    present: list = field(default_factory=list)  # (row, original number or "")
    duplicates: list = field(default_factory=list)  # (row, the row it repeats)
    refused: list = field(default_factory=list)  # Problem, every one
    refused_rows: int = 0
    skipped_summary: int = 0
    unknown: dict = field(default_factory=dict)  # field key -> Counter of unknown values
    sample: list = field(default_factory=list)  # the first accepted rows, as read


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def header_signature(layout):
    return sha256(layout.signature.encode())


class Ledger:
    """One uploaded file read as one kind of ledger, with its mapping and value choices."""

    def __init__(self, data, kind_key, township, *, mapping=None, value_map=None):
        self.data = data
        self.kind = KINDS[kind_key]
        self.township = township
        self.value_map = value_map or {}
        self.lookup = self.kind.lookup()
        try:
            sheet = open_sheet(data)
            head = []
            for number, values in sheet.rows:
                head.append((number, values))
                if len(head) >= 32:
                    break
        except UnreadableFile as error:
            raise LedgerError(str(error)) from error
        if not any(any(not is_blank(v) for v in values) for _n, values in head):
            raise LedgerError(_("The sheet is empty."))
        self.format = sheet.format
        self.size = sheet.size
        self.layout, score = find_header(head, self.lookup)
        self._check_kind(head, score)
        self.auto_mapping = {
            str(index): resolve(name, self.lookup) for index, name in enumerate(self.layout.columns)
        }
        self.saved = SavedMapping.objects.filter(
            township=township, kind=self.kind.key, signature=header_signature(self.layout)).first()
        if mapping is not None:
            self.mapping = {str(k): v for k, v in mapping.items()}
        elif self.saved is not None:
            self.mapping = dict(self.saved.mapping)
        else:
            self.mapping = dict(self.auto_mapping)
        self.reader = self.kind_module().RowReader(self)

    def kind_module(self):
        return kind_module(self.kind.key)

    def _check_kind(self, head, score):
        if not self.kind.importable:
            raise LedgerError(_("This ledger cannot be imported yet."))
        signatures = kind_signatures()
        texts = {normalise(v) for _n, values in head for v in values if not is_blank(v)}
        scores = {key: len(texts & names) for key, names in signatures.items()}
        best = max(scores, key=lambda key: scores[key])
        required = [f.key for f in self.kind.fields if f.required]
        found = set(resolve(name, self.lookup) for name in self.layout.columns) if self.layout else set()
        if best != self.kind.key and scores[best] > scores[self.kind.key] and not set(required) <= found:
            raise LedgerError(_("This file looks like a %(found)s, not a %(expected)s: choose the right ledger.")
                              % {"found": KINDS[best].label, "expected": self.kind.label})
        if self.layout is None or score < 2:
            raise LedgerError(_("No header row was found in the first rows of the sheet: the columns need names "
                                "such as %(examples)s.") % {"examples": "、".join(
                                    str(f.label) for f in self.kind.fields if f.required)})

    # --- the mapping ------------------------------------------------------------------------

    @property
    def columns(self):
        """[(index, name, field key)] for every named column."""
        return [(str(i), name, self.mapping.get(str(i), "")) for i, name in enumerate(self.layout.columns) if name]

    def mapped(self):
        """{field key: column index} of the columns mapped to a field."""
        return {key: int(index) for index, key in self.mapping.items() if key and key != "-"}

    def mapping_problems(self):
        problems = []
        keys = [key for key in self.mapping.values() if key and key != "-"]
        for key, count in Counter(keys).items():
            if count > 1:
                problems.append(_("Several columns are mapped to “%(field)s”: keep one.") % {"field": self.kind.field(key).label})
        for f in self.kind.fields:
            if f.required and f.key not in keys:
                problems.append(_("No column is mapped to “%(field)s”, which every row needs.") % {"field": f.label})
        return problems

    def needs_mapping(self):
        """True unless every named column is recognised (or ignored as known) and the mapping is complete."""
        if self.saved is not None:
            return bool(self.mapping_problems())
        unmatched = [name for index, name, key in self.columns if not key]
        return bool(unmatched or self.mapping_problems())

    def column_name(self, key):
        index = self.mapped().get(key)
        return self.layout.columns[index] if index is not None else str(self.kind.field(key).label)

    # --- the rows ---------------------------------------------------------------------------

    def data_rows(self):
        """Yield (sheet row number, {field key: cell value}) for each data row under the header."""
        mapped = self.mapped()
        header_texts = [normalise(v) for v in self.layout.columns]
        skipped = 0
        for number, values in open_sheet(self.data).rows:
            if number <= self.layout.last_header_row or all(is_blank(v) for v in values):
                continue
            if is_summary(values):
                skipped += 1
                continue
            if [normalise(v) for v in values[:len(header_texts)]] == header_texts:
                continue  # the header repeated on a printed page
            yield number, {key: (values[index] if index < len(values) else None) for key, index in mapped.items()}
        self.skipped_summary = skipped

    def fingerprint(self, raw):
        """The row as read, mapped fields only: the same row imported twice has the same fingerprint."""
        text = json.dumps({key: cell_text(value) for key, value in sorted(raw.items())}, ensure_ascii=False)
        return sha256(text.encode())

    def outcomes(self):
        """Yield chunks of (number, fingerprint, values or None, problems, present) for every data row."""
        seen_fingerprints, seen_numbers = {}, {}
        chunk = []
        for number, raw in self.data_rows():
            chunk.append((number, raw))
            if len(chunk) == CHUNK:
                yield self._judge(chunk, seen_fingerprints, seen_numbers)
                chunk = []
        if chunk:
            yield self._judge(chunk, seen_fingerprints, seen_numbers)

    def _judge(self, chunk, seen_fingerprints, seen_numbers):
        read = []
        for number, raw in chunk:
            values, problems = self.reader.read(number, raw)
            read.append((number, self.fingerprint(raw), values, problems))
        present = self.reader.present([(n, f, v) for n, f, v, p in read if v is not None])
        judged = []
        for number, fingerprint, values, problems in read:
            duplicate_of = None
            if values is not None:
                original = values.get("original_number", "")
                duplicate_of = seen_fingerprints.get(fingerprint) or (original and seen_numbers.get(original))
                if not duplicate_of:
                    seen_fingerprints[fingerprint] = number
                    if original:
                        seen_numbers[original] = number
            judged.append((number, fingerprint, values, problems, number in present, duplicate_of))
        return judged

    def preview(self):
        result = Preview()
        for chunk in self.outcomes():
            for row in chunk:
                self.tally(result, row)
        return self.finish(result)

    def tally(self, result, row):
        """Count one judged row into a preview."""
        number, _fingerprint, values, problems, present, duplicate_of = row
        result.total += 1
        if problems:
            result.refused_rows += 1
            result.refused.extend(problems)
        elif duplicate_of:
            result.duplicates.append((number, duplicate_of))
        elif present:
            result.present.append((number, values.get("original_number", "")))
        else:
            result.accepted += 1
            if len(result.sample) < SAMPLE:
                result.sample.append((number, values))

    def finish(self, result):
        result.skipped_summary = getattr(self, "skipped_summary", 0)
        result.unknown = {key: dict(values) for key, values in self.reader.unknown.items() if values}
        return result


def kind_module(key):
    """The module that reads and writes this kind's rows: RowReader, Writer, lookup_options, batch_cases,
    changed_cases, case_label, undo."""
    from . import mediation, petitions, screening

    return {"petitions": petitions, "screening": screening, "mediation": mediation}[key]


def save_mapping(ledger):
    SavedMapping.objects.update_or_create(
        township=ledger.township, kind=ledger.kind.key, signature=header_signature(ledger.layout),
        defaults={"mapping": ledger.mapping})


def ledger_for(batch):
    with batch.file.open("rb") as handle:
        data = handle.read()
    return Ledger(data, batch.kind, batch.township, mapping=batch.mapping or None, value_map=batch.value_map)


def run_import(batch, *, by, progress=None, preview=None):
    """Write the batch's accepted rows as cases, in chunks, in one transaction; return the batch.

    Rows already present (an earlier import of the same rows) and rows repeated in the file are
    counted and skipped; refused rows are counted and left out. ``progress(done, total_read)`` is
    called after each chunk. A ``Preview`` given is filled from the same reading (the command line
    reads a large file once: it reports what it imported and refused after the import).
    """
    ledger = ledger_for(batch)
    if ledger.mapping_problems():
        raise LedgerError(" ".join(ledger.mapping_problems()))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != ImportBatch.State.DRAFT:
            raise LedgerError(_("This file has already been imported."))
        writer = ledger.kind_module().Writer(ledger, batch, by)
        imported = present = refused = read = 0
        for chunk in ledger.outcomes():
            accepted = []
            for row in chunk:
                number, fingerprint, values, problems, is_present, duplicate_of = row
                if preview is not None:
                    ledger.tally(preview, row)
                read += 1
                if problems:
                    refused += 1
                elif is_present or duplicate_of:
                    present += 1
                else:
                    accepted.append((number, fingerprint, values))
            writer.write(accepted)
            imported += len(accepted)
            if progress is not None:
                progress(imported, read)
        if preview is not None:
            ledger.finish(preview)
        batch.state = ImportBatch.State.IMPORTED
        batch.imported_at = timezone.now()
        batch.imported_count, batch.present_count, batch.refused_count = imported, present, refused
        batch.save()
    return batch
