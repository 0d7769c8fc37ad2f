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

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import IntegerField, Value, Window
from django.db.models.functions import RowNumber


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
        selects: list = []
        params: list = []
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


_CAST_TYPES: dict = {}


def _cast_type(field):
    """The database type a column of ``field`` is cast to: computed once per model field (a case page asks
    for some 600 columns), each time for an expression's own output field."""
    if getattr(field, "model", None) is None:
        return field.cast_db_type(connection)
    key = (connection.alias, field)
    if key not in _CAST_TYPES:
        _CAST_TYPES[key] = field.cast_db_type(connection)
    return _CAST_TYPES[key]


def fetch_together(querysets):
    """Run several row-returning querysets ({name: queryset}) in one statement; return {name: [rows]} — model
    instances (with their select_related) or values() dicts, each list in its queryset's order.

    The parts are named subqueries (``WITH``) put one under another (``UNION ALL``) and tagged; each part's
    order is kept by a row number over its ordering. On PostgreSQL a column of the result holds one type: the parts share the
    columns of a type (a part's third integer goes where every other part's third integer goes), the rest
    of a row is typed NULLs. A part must not prefetch_related (that would run its own queries): join with
    select_related instead. A case page reads its case and every list under it this way
    (docs/architecture.md §15)."""
    typed = connection.vendor == "postgresql"
    parts: dict = {}
    live: list = []
    for name, queryset in querysets.items():
        query = queryset.query
        ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
        numbered = queryset.annotate(_fetch_row=Window(RowNumber(), order_by=ordering or ["pk"])).order_by()
        compiler = numbered.query.get_compiler(using=numbered.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            parts[name] = (numbered, compiler, None)
            continue
        types = [_cast_type(column[0].output_field) if typed else "" for column in compiler.select]
        parts[name] = (numbered, compiler, len(live))
        live.append((sql, params, types))
    slots: dict[tuple[str, int], int] = {}
    places = []  # for each live part, the result column of each of its columns
    for _sql, _params, types in live:
        seen: dict[str, int] = {}
        place = []
        for kind in types:
            key = (kind, seen.get(kind, 0))
            seen[kind] = key[1] + 1
            place.append(1 + slots.setdefault(key, len(slots)))
        places.append(place)
    # Each part is a named subquery with its columns numbered (c0, c1, …): the parts' own column names repeat
    # ("id" of every joined table), which SQLite's "p.*" over a UNION does not keep apart.
    sources, branches, params = [], [], []
    if not typed and live:
        # SQLite converts a column by the type declared for it in the first branch (Django's cursor parses
        # declared dates, times and flags): a first branch of bare NULLs, and no row, declares none.
        branches.append(f"SELECT -1{', NULL' * len(slots)} WHERE 0")
    for index, (sql, part_params, types) in enumerate(live):
        sources.append(f"p{index}({', '.join(f'c{j}' for j in range(len(types)))}) AS ({sql})")
        own = {place: f"p{index}.c{j}" for j, place in enumerate(places[index])}
        columns = [own.get(1 + slot, f"CAST(NULL AS {kind})" if typed else "NULL") for (kind, _n), slot in slots.items()]
        branches.append(f"SELECT {index}, {', '.join(columns)} FROM p{index}")
        params.extend(part_params)
    fetched: list[list] = [[] for _ in live]
    if branches:
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(sources)} {' UNION ALL '.join(branches)}", params)
            for record in cursor.fetchall():
                fetched[record[0]].append(record)
    results: dict = {}
    for name, (numbered, compiler, index) in parts.items():
        if index is None:
            results[name] = []
            continue
        place, number = places[index], compiler.annotation_col_map["_fetch_row"]
        rows = sorted(([record[column] for column in place] for record in fetched[index]), key=lambda row: row[number])
        compiler.execute_sql = lambda *args, _rows=rows, **kwargs: [_rows]
        numbered.query.get_compiler = lambda *args, _compiler=compiler, **kwargs: _compiler
        objects = list(numbered)
        for row in objects:
            if isinstance(row, dict):
                row.pop("_fetch_row", None)
        results[name] = objects
    return results


def attach(instance, name, objects):
    """Put ``objects`` where ``instance.<name>.all()`` finds them, as prefetch_related would (no query)."""
    manager = getattr(instance, name)
    if hasattr(manager, "prefetch_cache_name"):  # many-to-many
        cache_name = manager.prefetch_cache_name
    else:  # a reverse foreign key: each row knows its parent
        cache_name = manager.field.remote_field.cache_name
        for obj in objects:
            manager.field.set_cached_value(obj, instance)
    cached = manager.get_queryset()
    cached._result_cache, cached._prefetch_done = list(objects), True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = cached
