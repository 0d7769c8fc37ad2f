"""Several one-row aggregates read in a single query (docs/architecture.md §14).

Each part is a queryset reduced to one row of aggregates (``one_row(qs, **aggregates)``: no GROUP BY,
so it yields one row even over no data). ``read_together`` puts them side by side in one SELECT
(``FROM (part) AS a CROSS JOIN (part) AS b …``) and may left-join one many-row part (the few rows
it returns repeat the aggregates). One round trip for a page's menu or a dashboard's figures.
"""
from django.db import connection
from django.db.models import IntegerField, Value


def one_row(queryset, **aggregates):
    """The queryset reduced to one row holding the named aggregates (not executed)."""
    return (queryset.order_by().annotate(_one=Value(1, output_field=IntegerField())).values("_one")
            .annotate(**aggregates).values(*aggregates))


def _columns(queryset):
    query = queryset.query
    return [*query.extra_select, *query.values_select, *query.annotation_select]


def read_together(parts, rows=None):
    """Run the one-row ``parts`` ({name: queryset}) and the many-row ``rows`` ((name, queryset) or None) in
    one query. Return ({name: {column: value}}, [{column: value} for each row of ``rows``])."""
    quote = connection.ops.quote_name
    selects, sources, params, layout = [], [], [], []
    every = list(parts.items()) + ([rows] if rows is not None else [])
    for index, (name, queryset) in enumerate(every):
        alias = f"q{index}"
        sql, part_params = queryset.query.sql_with_params()
        joiner = "" if index == 0 else (" LEFT JOIN " if rows is not None and index == len(every) - 1 else " CROSS JOIN ")
        on = " ON 1=1" if joiner == " LEFT JOIN " else ""
        sources.append(f"{joiner}({sql}) {alias}{on}")
        params.extend(part_params)
        for column in _columns(queryset):
            selects.append(f"{alias}.{quote(column)}")
            layout.append((name, column))
    if not selects:
        return {}, []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)} FROM {''.join(sources)}", params)
        fetched = cursor.fetchall()
    together = {name: {} for name in parts}
    found = []
    row_name = rows[0] if rows is not None else None
    for position, record in enumerate(fetched):
        values = {}
        for (name, column), value in zip(layout, record):
            if name == row_name:
                values[column] = value
            elif position == 0:
                together[name][column] = value
        if row_name is not None and any(v is not None for v in values.values()):
            found.append(values)
    return together, found
