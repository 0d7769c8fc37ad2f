"""SQLite's plan of a statement as Django sends it (with its parameters bound, not inlined as the
captured-queries log shows them): what decides whether SQLite matches a partial or expression index."""
from django.db import connection


def plan_as_sent(run, chosen=lambda sql: True):
    """Run ``run()``; return SQLite's EXPLAIN QUERY PLAN (one line, steps joined by " | ") of the last
    statement it sent for which ``chosen(sql)`` holds."""
    sent = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        run()
    sql, params = [(s, p) for s, p in sent if chosen(s)][-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())
