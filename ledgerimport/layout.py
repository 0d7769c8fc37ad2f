"""Finding the header of a ledger kept by hand (docs/domain.md §9): title rows above it, a header
of one row or of two rows with merged parent cells, blank rows, a totals row and a footer below.

The header is the row (or pair of rows) among the first ``SCAN`` whose cells name the most known
columns; a two-row header is read as "parent/child" (信访人/姓名), its parents carried across the
merged span. Column names are compared without spaces, line breaks or colons.
"""
import re
from dataclasses import dataclass

from .reading import cell_text, is_blank

SCAN = 30
SUMMARY_PREFIXES = ("合计", "总计", "小计", "共计", "填报单位", "制表", "审核", "负责人")


def normalise(text):
    return re.sub(r"[\s:：*＊]", "", cell_text(text))


@dataclass
class Layout:
    first_header_row: int
    last_header_row: int
    columns: list  # one display name per column ("信访人/姓名")

    @property
    def signature(self):
        return "|".join(self.columns)


def column_names(top, below=None):
    """The names of a one-row header, or of a two-row header with merged parents."""
    width = max(len(top), len(below or []))
    top = list(top) + [None] * (width - len(top))
    if below is None:
        return [normalise(value) for value in top]
    below = list(below) + [None] * (width - len(below))
    names, parent = [], ""
    for index in range(width):
        child = normalise(below[index])
        if not is_blank(top[index]):
            parent = normalise(top[index])
        elif not child or index == 0 or is_blank(below[index - 1]):
            parent = ""
        if parent and child:
            names.append(f"{parent}/{child}")
        else:
            names.append(parent or child if not is_blank(top[index]) or child else "")
    return names


def resolve(name, lookup):
    """The field a column name stands for: the whole name, else its child part, else ''."""
    if not name:
        return ""
    if name in lookup:
        return lookup[name]
    if "/" in name:
        parent, child = name.split("/", 1)
        return lookup.get(child, "") or lookup.get(f"{parent}{child}", "")
    return ""


def _score(names, lookup):
    return len({resolve(name, lookup) for name in names} - {""})


def find_header(rows, lookup):
    """Return (Layout, score) for the best header among ``rows`` (a list of (number, values)), or (None, 0)."""
    best, best_score = None, 0
    for index, (number, values) in enumerate(rows[:SCAN]):
        if sum(1 for value in values if not is_blank(value)) < 2:
            continue
        names = column_names(values)
        score = _score(names, lookup)
        if index + 1 < len(rows):
            next_number, below = rows[index + 1]
            if all(isinstance(value, str) or value is None for value in below):
                two = column_names(values, below)
                two_score = _score(two, lookup)
                if two_score > score:
                    if two_score > best_score:
                        best, best_score = Layout(number, next_number, two), two_score
                    continue
        if score > best_score:
            best, best_score = Layout(number, number, names), score
    return best, best_score


def is_summary(values):
    """A totals row, or the footer line (填报单位 …) under the table."""
    first = next((cell_text(value) for value in values if not is_blank(value)), "")
    return first.startswith(SUMMARY_PREFIXES)
