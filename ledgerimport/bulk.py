"""Bulk inserts of imported cases with their history rows (docs/domain.md §9, bench/README.md).

``bulk_create_with_history`` builds one historical instance per row in Python; here the history rows
are copied by the database from the rows just inserted (one ``INSERT … SELECT`` per 500 keys), with
the same user, reason, date and type ("+", created) the history would have recorded.
"""
from django.db import connection


def copy_history(model, pks, *, user, reason, date, chunk=500):
    """One history row ("+", created) per row of ``pks``, copied from the table by the database."""
    history = model.history.model
    own = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_") and f.column in own]
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    meta = history._meta
    targets = ", ".join(qn(meta.get_field(name).column) for name in
                        ("history_date", "history_change_reason", "history_type", "history_user"))
    when = connection.ops.adapt_datetimefield_value(date)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), chunk):
            keys = pks[start:start + chunk]
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({names}, {targets}) "
                f"SELECT {names}, %s, %s, %s, %s FROM {qn(model._meta.db_table)} "
                f"WHERE {qn(model._meta.pk.column)} IN ({', '.join(['%s'] * len(keys))})",
                [when, reason, "+", user.pk if user else None, *keys],
            )
