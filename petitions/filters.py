import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.adoption import past_due
from office.forms import BootstrapMixin
from office.models import TimeLimits, Village
from office.setup import in_force

from .models import ContentCategory, Petition
from .search import search_petitions


class FilterForm(BootstrapMixin, forms.Form):
    pass


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort as asked, then by id: equal dates never shuffle rows between pages (docs/architecture.md)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value and value[0]:
            qs = qs.order_by(*qs.query.order_by, "-pk" if value[0].startswith("-") else "pk")
        return qs


class PetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("search"))
    status = django_filters.ChoiceFilter(choices=Petition.Status.choices, label=_("status"))
    channel = django_filters.ChoiceFilter(choices=Petition.Channel.choices, label=_("channel"))
    purpose = django_filters.ChoiceFilter(choices=Petition.Purpose.choices, label=_("purpose"))
    # The township's list (office/setup.py); a case counts under the category of that name, whichever owner's
    # row it points to (a township's own entry replaces the county's of the same name).
    category = django_filters.ModelChoiceFilter(queryset=ContentCategory.objects.none(), label=_("content category"),
                                                method="filter_category")
    village = django_filters.ModelChoiceFilter(queryset=Village.objects.none(), label=_("village"))
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("received to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    due_soon = django_filters.BooleanFilter(method="filter_due_soon", label=_("due within 3 days"))
    is_repeat = django_filters.BooleanFilter(label=_("repeat petition"))
    confidential = django_filters.BooleanFilter(label=_("confidential"))
    ordering = StableOrderingFilter(
        fields=[("received_on", "received_on"), ("due_on", "due_on"), ("sequence", "number")],
        field_labels={
            "received_on": _("received on (oldest first)"),
            "-received_on": _("received on (newest first)"),
            "due_on": _("due (soonest first)"),
            "-due_on": _("due (latest first)"),
            "sequence": _("number (ascending)"),
            "-number": _("number (descending)"),
        },
        label=_("sort by"),
    )

    class Meta:
        model = Petition
        fields = []
        form = FilterForm

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        # Every category in force, retired ones too: old cases carry them and are still filtered by them.
        self.filters["category"].queryset = in_force(ContentCategory, township)
        if township is not None:
            self.filters["village"].queryset = Village.objects.filter(township=township)
        for name in ("overdue", "due_soon", "is_repeat", "confidential"):
            self.filters[name].field.widget = forms.Select(choices=[("", _("all")), ("true", _("yes")), ("false", _("no"))])

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__name=value.name) if value else queryset

    def search(self, queryset, name, value):
        return search_petitions(queryset, value, self.township)

    def _today(self):
        return timezone.localdate()

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=Petition.OPEN_STATUSES) & past_due("due_on", self._today())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due_soon(self, queryset, name, value):
        if value is None:
            return queryset
        days = TimeLimits.for_township(self.township).due_soon_days if self.township else 3
        today = self._today()
        condition = Q(
            status__in=Petition.OPEN_STATUSES, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)
        )
        return queryset.filter(condition) if value else queryset.exclude(condition)
