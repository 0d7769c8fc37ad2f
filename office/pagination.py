"""Pagination for long lists: keyset pages and a count that stops at 10,001 rows (docs/architecture.md,
"Search and deep pages").

A page link carries the sort key and id of the row it continues from (a signed cursor), not a page
number: the page after it is ``WHERE (sort key, id) > (that row's) ORDER BY sort key, id LIMIT n``, an
index range scan that costs the same on page 200 as on page 1, where an OFFSET reads and throws away
every row before the page. The id ends every ordering, so rows sharing a date are never skipped nor
shown twice, and a case registered meanwhile does not shift the rows of the next page.

A sort column that may be empty (the due date of a closed case) is sorted as if empty were the latest
possible value (``COALESCE(due_on, '9999-12-31')``): empty last when sorting soonest first, first
when latest first, the same on PostgreSQL and SQLite; the indexes of such sorts are on that expression.

Counting every visible case on every page costs a scan of the township; past 10,000 the exact figure
helps no one, so the list says "10,000+".
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

COUNT_CAP = 10000
CURSOR_PARAM = "cursor"
_SALT = "office.pagination.cursor"

# What an empty value sorts as: after every real one.
LAST_DATE = datetime.date(9999, 12, 31)
_LAST = {  # a subclass before its base (a DateTimeField is a DateField)
    models.DateTimeField: datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC),
    models.DateField: LAST_DATE,
    models.SmallIntegerField: 32767,
    models.IntegerField: 2**31 - 1,
}


def last_value(field):
    """The value an empty ``field`` sorts as (the index of a nullable sort column is on the same COALESCE)."""
    for kind, value in _LAST.items():
        if isinstance(field, kind):
            return value
    raise TypeError(f"No sort value for an empty {type(field).__name__}: sort by a non-null column, a date or a number.")


def sort_key(name, field=None, *, written=False):
    """``COALESCE(name, <last value>)``: a nullable column as the lists sort it (for indexes and orderings);
    without ``field``, a date column. ``written``: the last value is written into the statement, as the
    index's definition has it (for the lists' orderings; see ``Written``)."""
    constant = Written if written else Value
    if field is None:
        return Coalesce(F(name), constant(LAST_DATE))
    return Coalesce(F(name), constant(last_value(field), output_field=field))


class Written(Value):
    """A constant written into the SQL as a literal, as Django writes it into an index's definition, instead
    of a bound parameter. SQLite uses an index on an expression only when the query has the same expression,
    and ``COALESCE(due_on, ?)`` is not ``COALESCE(due_on, '9999-12-31')``: with the value bound, page 200
    by due date sorted the whole township (225 ms at 100,000 cases; bench/README.md). PostgreSQL gets the
    literal psycopg would have written for the parameter."""

    _quoted: dict = {}

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        if not params:
            return sql, params
        key = (connection.vendor, *((type(p), p) for p in params))
        if key not in self._quoted:
            connection.ensure_connection()
            quote = connection.SchemaEditorClass(connection).quote_value
            self._quoted[key] = sql % tuple(quote(p) for p in params)
        return self._quoted[key], []


class BadCursor(ValueError):
    """A page link that was altered, forged, or made for another sort."""


@dataclass
class _Key:
    name: str  # the field, annotation or related field (``risk_level__rank``) sorted by
    ref: str  # what filters and orderings name: the field, or the alias of its COALESCE
    descending: bool
    field: Any
    coalesced: bool

    @property
    def carried(self):
        """The attribute of a row that holds the value: the field itself, else the annotation ``ref``."""
        return self.ref if "__" in self.name else self.name

    def value(self, row):
        value = getattr(row, self.carried)
        return last_value(self.field) if value is None and self.coalesced else value

    def dump(self, value):
        if isinstance(value, datetime.date | Decimal):
            return value.isoformat() if not isinstance(value, Decimal) else str(value)
        return value

    def load(self, value):
        if value is not None and not isinstance(value, str | int):
            raise BadCursor
        try:
            return self.field.to_python(value)
        except Exception as error:  # a forged value of the wrong type
            raise BadCursor from error


class KeysetPaginator:
    """Pages of an ordered queryset by the last row's sort key; the ordering ends with the id (added if missing)."""

    def __init__(self, object_list, per_page, *, cap=COUNT_CAP):
        self.object_list = object_list
        self.per_page = int(per_page)
        self.cap = cap
        self.keys = self._keys(object_list)
        rows = object_list
        aliases = {key.ref: sort_key(key.name, key.field, written=True)
                   for key in self.keys if key.coalesced and key.carried == key.name}
        carried = {key.ref: sort_key(key.name, key.field, written=True) for key in self.keys if key.carried != key.name}
        rows = rows.alias(**aliases) if aliases else rows
        self._rows = rows.annotate(**carried) if carried else rows
        self.signature = [("-" if key.descending else "") + key.name for key in self.keys]

    @staticmethod
    def _keys(queryset):
        query = queryset.query
        ordering = list(query.order_by or queryset.model._meta.ordering)
        model = queryset.model
        keys = []
        for position, item in enumerate(ordering):
            if isinstance(item, OrderBy) and isinstance(item.expression, F):
                name, descending = item.expression.name, item.descending
            elif isinstance(item, str) and item != "?":
                name, descending = item.lstrip("-"), item.startswith("-")
            else:
                raise TypeError(f"Keyset pages need orderings by a column or an annotation, not {item!r}.")
            if name == "pk" or name == model._meta.pk.name:
                keys.append(_Key("pk", "pk", descending, model._meta.pk, False))
                break  # the id is unique: anything after it never decides
            if name in query.annotations:
                field, nullable = query.annotations[name].output_field, True
            elif "__" in name:  # a related field: read through a join that may find nothing
                *path, last = name.split("__")
                target = model
                for step in path:
                    target = target._meta.get_field(step).related_model
                field, nullable = target._meta.get_field(last), True
            else:
                field = model._meta.get_field(name)
                nullable = field.null
            ref = f"keyset_{position}_{name}" if nullable else name
            keys.append(_Key(name, ref, descending, field, nullable))
        else:
            descending = keys[-1].descending if keys else False
            keys.append(_Key("pk", "pk", descending, model._meta.pk, False))
        return keys

    # The count, capped --------------------------------------------------------------------------------

    @cached_property
    def count(self):
        """Rows counted, at most ``cap + 1`` (one query: COUNT over a LIMITed subquery of ids)."""
        return self.object_list.order_by().values("pk")[:self.cap + 1].count()

    @cached_property
    def capped(self):
        """True when there are more rows than were counted."""
        return self.count > self.cap

    @cached_property
    def total_label(self):
        """The count as the page shows it: "10,000+" past the cap."""
        if self.capped:
            return _("%(count)s+") % {"count": f"{self.cap:,}"}
        return f"{self.count:,}"

    # Pages --------------------------------------------------------------------------------------------

    def ordered(self):
        """The rows in the list's order, as the pages read them."""
        return self._ordered(False)

    def _ordered(self, backwards):
        return self._rows.order_by(*[
            F(key.ref).desc() if key.descending != backwards else F(key.ref).asc() for key in self.keys])

    def _beyond(self, values, backwards):
        """Rows after ``values`` in the list's order (before them when ``backwards``)."""
        condition = Q(pk__in=[])
        equal = Q()
        for key, value in zip(self.keys, values, strict=True):
            later = key.descending == backwards
            condition |= equal & Q(**{f"{key.ref}__{'gt' if later else 'lt'}": value})
            equal &= Q(**{key.ref: value})
        # The same bound on the first key alone, which the index seeks to (the OR above it cannot).
        first = self.keys[0]
        bound = Q(**{f"{first.ref}__{'gte' if first.descending == backwards else 'lte'}": values[0]})
        return bound & condition

    def cursor(self, row, direction, number):
        values = [key.dump(key.value(row)) for key in self.keys]
        return signing.dumps({"o": self.signature, "v": values, "d": direction, "n": number}, salt=_SALT)

    def _read(self, cursor):
        try:
            data = signing.loads(cursor, salt=_SALT)
        except signing.BadSignature as error:
            raise BadCursor from error
        if (not isinstance(data, dict) or data.get("o") != self.signature or data.get("d") not in ("n", "p")
                or not isinstance(data.get("v"), list) or len(data["v"]) != len(self.keys)
                or not isinstance(data.get("n"), int) or isinstance(data.get("n"), bool) or data["n"] < 1):
            raise BadCursor
        return [key.load(value) for key, value in zip(self.keys, data["v"], strict=True)], data["d"], data["n"]

    def page(self, cursor=None):
        """The first page, or the page a cursor points to; raises BadCursor for a link that isn't ours."""
        size = self.per_page
        if not cursor:
            rows = list(self._ordered(False)[:size + 1])
            return KeysetPage(rows[:size], self, number=1, has_next=len(rows) > size, has_previous=False)
        values, direction, number = self._read(cursor)
        backwards = direction == "p"
        rows = list(self._ordered(backwards).filter(self._beyond(values, backwards))[:size + 1])
        if not rows:  # nothing left that way (rows closed or removed meanwhile): start again
            return self.page(None)
        more = len(rows) > size
        rows = rows[:size]
        if not backwards:
            return KeysetPage(rows, self, number=max(number, 2), has_next=more, has_previous=True)
        rows.reverse()
        return KeysetPage(rows, self, number=max(number, 2) if more else 1, has_next=True, has_previous=more)


class KeysetPage:
    """One page: its rows, whether there are more either side, the cursors of the links to them."""

    def __init__(self, object_list, paginator, *, number, has_next, has_previous):
        self.object_list = object_list
        self.paginator = paginator
        self.number = number
        self._next = has_next
        self._previous = has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self):
        return self._next

    def has_previous(self):
        return self._previous

    def has_other_pages(self):
        return self._next or self._previous

    @cached_property
    def next_cursor(self):
        return self.paginator.cursor(self.object_list[-1], "n", self.number + 1) if self._next else None

    @cached_property
    def previous_cursor(self):
        if not self._previous:
            return None
        return self.paginator.cursor(self.object_list[0], "p", self.number - 1)


def keyset_page(request, queryset, per_page, *, cap=COUNT_CAP):
    """The page the request's ``cursor`` asks for; a link that isn't ours shows the first page and says so."""
    paginator = KeysetPaginator(queryset, per_page, cap=cap)
    try:
        return paginator.page(request.GET.get(CURSOR_PARAM))
    except BadCursor:
        messages.warning(request, _("That page link is not valid (changed or out of date): here is the first page."))
        return paginator.page(None)
