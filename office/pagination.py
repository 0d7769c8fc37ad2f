"""Pagination for long lists: a count that stops at 10,001 rows (docs/architecture.md, "Search and deep pages").

Counting every visible case on every page costs a scan of the township; past 10,000 the exact figure
helps no one, so the list says "10,000+". Pages deeper than that are still reachable: the count then
reaches one row past the page asked for, so "next" keeps working.
"""
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

COUNT_CAP = 10000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap=COUNT_CAP, wanted=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.wanted = wanted

    @cached_property
    def count_limit(self):
        """Count rows up to this many: the cap, or far enough to show the page asked for and one more."""
        try:
            page = max(1, int(self.wanted or 1))
        except (TypeError, ValueError):
            page = 1
        return max(self.cap, page * self.per_page) + 1

    @cached_property
    def count(self):
        """Rows counted, at most ``count_limit`` (one query: COUNT over a LIMITed subquery of ids)."""
        rows: Any = self.object_list
        if hasattr(rows, "values"):
            return rows.order_by().values("pk")[:self.count_limit].count()
        return min(len(rows), self.count_limit)

    @cached_property
    def capped(self):
        """True when there are more rows than were counted."""
        return self.count >= self.count_limit

    @cached_property
    def total_label(self):
        """The count as the page shows it: "10,000+" past the cap."""
        if self.capped:
            return _("%(count)s+") % {"count": f"{self.count_limit - 1:,}"}
        return f"{self.count:,}"

    @cached_property
    def num_pages(self):
        if self.capped:
            return -(-(self.count_limit - 1) // self.per_page)
        return super().num_pages

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.capped and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)

    def page_links(self, number, around=2):
        """Page numbers to link around ``number`` (None marks a gap), bounded whatever the count."""
        last = self.num_pages
        pages = sorted({1, *range(max(1, number - around), min(last, number + around) + 1)}
                       | ({last} if not self.capped else set()))
        links: list[int | None] = []
        previous = 0
        for page in pages:
            if page - previous > 1:
                links.append(None)
            links.append(page)
            previous = page
        return links

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


class CappedPage(Page):
    paginator: CappedPaginator

    def has_next(self):
        return self.number < self.paginator.num_pages or self.paginator.capped

    @property
    def links(self):
        return self.paginator.page_links(self.number)
