"""What the screening and the mediation ledgers' imports share (docs/domain.md §9): reading the cells
of a dispute (parties one per line, kept in their positions; numbers; 是/否), the dispute types, and
undoing a batch of historic cases that nobody has touched since."""
from django.utils import translation
from django.utils.translation import gettext as _

from disputes.models import DisputeType
from office.setup import township_list

from .kinds import IDS, LINES, NAMES, NUMBER, PHONES, YES_NO
from .layout import normalise
from .petitions import RowReader
from .reading import cell_text, is_blank
from .values import CellError, parse_id_number, parse_phone

YES = {"是", "有", "√", "✓", "y", "yes", "1"}
NO = {"否", "无", "不", "×", "n", "no", "0", ""}


def positional_lines(value):
    """One value per line, blank lines kept, so that the n-th ID number is the n-th party's."""
    if value is None:
        return []
    if not isinstance(value, str):
        return [value]
    return [line.strip() for line in value.rstrip().split("\n")]


def words_of(choices, aliases=None):
    """{normalised Chinese label, English value or alias: value}."""
    words = {}
    with translation.override("zh-hans"):
        for value, label in choices:
            words[normalise(str(label))] = value
            words[str(value)] = value
    words.update({normalise(word): value for word, value in (aliases or {}).items()})
    return words


def dispute_types(township):
    """{"category", "category/sub-type" (normalised): type id}: each type of the township's list (office/setup.py)
    by its name under its category."""
    table = {}
    for dispute_type in township_list(DisputeType, township, select_related=["parent"]):
        if dispute_type.parent_id:
            table[f"{normalise(dispute_type.parent.name)}/{normalise(dispute_type.name)}"] = str(dispute_type.pk)
            table.setdefault(normalise(dispute_type.name), str(dispute_type.pk))
            table[normalise(str(dispute_type))] = str(dispute_type.pk)
        else:
            table[normalise(dispute_type.name)] = str(dispute_type.pk)
    return table


def dispute_type_options(township):
    in_force = [t for t in township_list(DisputeType, township, select_related=["parent"]) if t.is_active]
    in_force.sort(key=lambda t: (t.parent.sort_order if t.parent_id else t.sort_order, t.sort_order, t.name))
    return [(str(t.pk), str(t)) for t in in_force]


class DisputeRowReader(RowReader):
    """The petition reader's checks, with the cells a dispute ledger has."""

    tables: dict = {}

    def _table(self, key):
        return self.tables[key]

    def _cell(self, f, value):
        if f.type == NUMBER:
            if is_blank(value):
                return None
            text = cell_text(value)
            try:
                number = int(float(text))
            except ValueError as error:
                raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from error
            if number < 1 or number > 30000:
                raise CellError(_("“%(value)s” is not a number of people.") % {"value": text})
            return number
        if f.type == YES_NO:
            text = normalise(value).lower()
            if text in YES:
                return True
            if text in NO:
                return False
            raise CellError(_("Write 是 or leave the cell empty."))
        if f.type == NAMES:
            names = [cell_text(v) for v in positional_lines(value) if cell_text(v)]
            if any(len(name) > 40 for name in names):
                raise CellError(_("A name has at most 40 characters: put one person per line."))
            return names
        if f.type == IDS:
            return [parse_id_number(v) if cell_text(v) else "" for v in positional_lines(value)]
        if f.type == PHONES:
            return [parse_phone(v) if cell_text(v) else "" for v in positional_lines(value)]
        if f.type == LINES:
            return [cell_text(v)[:200] for v in positional_lines(value)]
        return super()._cell(f, value)


def party_rows(names, ids, phones=(), addresses=(), village=None):
    """The rows office/people.find_or_create_people takes, one per name, the n-th line of each column."""
    def at(values, index):
        return values[index] if index < len(values) else ""

    return [{"name": name, "id_number": at(ids, i), "phone": at(phones, i), "address": at(addresses, i),
             "case_village": village} for i, name in enumerate(names)]


def unique_people(people):
    seen = []
    for person in people:
        if person not in seen:
            seen.append(person)
    return seen
