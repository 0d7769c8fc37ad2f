"""Several aggregates read in a single query (docs/architecture.md §15).

Each part is a queryset reduced to one row of aggregates (``one_row(qs, **aggregates)``: no GROUP BY,
so it yields one row even over no data). ``read_together`` puts them side by side in one SELECT
(``FROM (part) AS q0 CROSS JOIN (part) AS q1 …``) and may left-join a few small many-row parts (a
grouped count, the rounds of this week): their rows multiply, so keep them to a few dozen rows each.
One round trip for a page's menu and a dashboard's figures.

A grouped count that a page shows as a table of cells (a chart's months × channels) is a one-row part too:
``pivot_row(grouped, cells)`` groups first (one pass over the rows, by plain columns) and spreads the
groups into named columns afterwards — rather than one conditional count per
cell evaluated on every row.
"""
from typing import Any

from django.db import connection
from django.db.models import IntegerField, Value


def one_row(queryset, **aggregates):
    """The queryset reduced to one row holding the named aggregates (not executed)."""
    return (queryset.order_by().annotate(_one=Value(1, output_field=IntegerField())).values("_one")
            .annotate(**aggregates).values(*aggregates))


class PivotRow:
    """A one-row part made of a grouped queryset: each named cell is the sum of a value column over the groups
    whose keys equal the given values (0 when no group matches). Built by ``pivot_row``; read by
    ``read_together`` like any part."""

    def __init__(self, grouped, cells):
        self.grouped, self.cells = grouped, cells

    @property
    def columns(self):
        return list(self.cells)

    def sql_with_params(self):
        quote = connection.ops.quote_name
        inner, inner_params = self.grouped.query.sql_with_params()
        selects, params = [], []
        for name, (keys, value) in self.cells.items():
            terms = []
            for key, wanted in keys.items():
                if isinstance(wanted, tuple):  # a range of dates, bounds included
                    terms.append(f"g.{quote(key)} BETWEEN %s AND %s")
                    params.extend(connection.ops.adapt_datefield_value(bound) for bound in wanted)
                else:
                    terms.append(f"g.{quote(key)} = %s")
                    params.append(wanted)
            condition = " AND ".join(terms)
            selects.append(f"CAST(COALESCE(SUM(CASE WHEN {condition} THEN g.{quote(value)} ELSE 0 END), 0) AS INTEGER) "
                           f"AS {quote(name)}")
        return f"SELECT {', '.join(selects)} FROM ({inner}) g", (*params, *inner_params)


def pivot_row(grouped, cells):
    """One-row part (not executed) from ``grouped`` (a ``values(keys…).annotate(counts…)`` queryset):
    ``cells`` is {column: ({key: value or (first, last) date range, …}, count column)}, e.g.
    {"in_0_visit": ({"received_on": (date(2026, 1, 1), date(2026, 1, 31)), "channel": "visit"}, "n")}.
    Group by the plain columns (a date, not its month: no per-row function) and let the cells take ranges."""
    return PivotRow(grouped.order_by(), cells)


def _sql_with_params(part):
    return part.sql_with_params() if isinstance(part, PivotRow) else part.query.sql_with_params()


def _columns(part):
    if isinstance(part, PivotRow):
        return part.columns
    query = part.query
    return [*query.extra_select, *query.values_select, *query.annotation_select]


def read_together(parts, rows=None):
    """Run the one-row ``parts`` ({name: queryset}) and the small many-row ``rows`` ({name: queryset}) in one
    query. Return ({name: {column: value}}, {name: [{column: value}, …]}) — each row part's rows once, in
    the order the database returned them."""
    rows = rows or {}
    quote = connection.ops.quote_name
    selects, sources, params, layout = [], [], [], []
    for index, (name, queryset) in enumerate([*parts.items(), *rows.items()]):
        alias = f"q{index}"
        sql, part_params = _sql_with_params(queryset)
        if index == 0:
            sources.append(f"({sql}) {alias}")
        elif name in rows:
            sources.append(f" LEFT JOIN ({sql}) {alias} ON 1=1")
        else:
            sources.append(f" CROSS JOIN ({sql}) {alias}")
        params.extend(part_params)
        for column in _columns(queryset):
            selects.append(f"{alias}.{quote(column)}")
            layout.append((name, column))
    if not selects:
        return {}, {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)} FROM {''.join(sources)}", params)
        fetched = cursor.fetchall()
    together: dict[str, dict[str, Any]] = {name: {} for name in parts}
    found: dict[str, dict[tuple, dict[str, Any]]] = {name: {} for name in rows}  # dicts keep the first-seen order and drop the repeats of the cross join
    for position, record in enumerate(fetched):
        values: dict[str, dict[str, Any]] = {name: {} for name in rows}
        for (name, column), value in zip(layout, record):
            if name in rows:
                values[name][column] = value
            elif position == 0:
                together[name][column] = value
        for name, row in values.items():
            if any(value is not None for value in row.values()):
                found[name][tuple(row.items())] = row
    return together, {name: list(seen.values()) for name, seen in found.items()}
