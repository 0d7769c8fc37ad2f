"""The ledger's filters (django-filter); the Excel export applies the same ones."""
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.adoption import past_due
from office.forms import BootstrapMixin

from ..models import EntryParty, LedgerEntry
from ..permissions import sees_whole_township, staff_of
from .forms import DATE_INPUT
from .selectors import month_bounds

TOWNSHIP_UNIT = "township"
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class LedgerFilterForm(BootstrapMixin, forms.Form):
    pass


def dispute_type_choices(refs):
    """The type filter's choices: each category (c<id>) followed by its sub-types (t<id>), indented."""
    choices = []
    for category in refs.categories:
        choices.append((f"c{category.pk}", category.name))
        choices += [(f"t{t.pk}", f"\u3000{t.name}") for t in refs.children.get(category.pk, [])]
    return choices


def filter_dispute_type(queryset, value, refs):
    """Filter on a category (with its sub-types) or on one sub-type, as ``dispute_type_choices`` names them:
    by name, so that a case counts under the type of that name whichever owner's row it points to
    (office/setup.py)."""
    chosen = refs.types[int(value[1:])]
    if value.startswith("c"):
        return queryset.filter(Q(dispute_type__parent__isnull=True, dispute_type__name=chosen.name)
                               | Q(dispute_type__parent__name=chosen.name))
    return queryset.filter(dispute_type__parent__name=chosen.parent.name, dispute_type__name=chosen.name)


class LedgerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    unit = django_filters.ChoiceFilter(method="filter_unit", label=_("Screening unit"))
    month = django_filters.CharFilter(
        method="filter_month", label=_("Month found"), widget=forms.TextInput(attrs={"type": "month"})
    )
    found_from = django_filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label=_("Found from"), widget=DATE_INPUT
    )
    found_to = django_filters.DateFilter(field_name="found_on", lookup_expr="lte", label=_("Found until"), widget=DATE_INPUT)
    type = django_filters.ChoiceFilter(method="filter_type", label=_("Dispute type"))
    risk = django_filters.ChoiceFilter(field_name="risk_level", label=_("Risk level"))
    status = django_filters.ChoiceFilter(choices=LedgerEntry.Status.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past deadline"), widget=forms.CheckboxInput)
    flag = django_filters.ChoiceFilter(
        method="filter_flag",
        label=_("Risk flags"),
        choices=[
            ("criminal", _("May turn criminal")),
            ("group", _("May become a group incident")),
            ("any", _("Either flag")),
        ],
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("found_on", "found"), ("deadline", "deadline"), ("risk_level__rank", "risk")),
        # Descending labels are keyed by parameter (django-filter has no Chinese for "descending").
        field_labels={
            "found_on": _("Date found, oldest first"),
            "-found": _("Date found, newest first"),
            "deadline": _("Deadline, soonest first"),
            "-deadline": _("Deadline, latest first"),
            "risk_level__rank": _("Risk, lowest first"),
            "-risk": _("Risk, highest first"),
        },
    )

    class Meta:
        model = LedgerEntry
        fields = []
        form = LedgerFilterForm

    def __init__(self, data=None, queryset=None, *, request, refs, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.today = timezone.localdate()
        self.refs = refs
        staff = staff_of(request.user)
        if staff and sees_whole_township(request.user):
            villages = [(str(v.pk), v.name) for v in staff.township.villages.all()]
            self.filters["unit"].extra["choices"] = villages + [(TOWNSHIP_UNIT, _("Township center"))]
        else:
            del self.filters["unit"]
        self.filters["type"].extra["choices"] = dispute_type_choices(refs)
        self.filters["risk"].extra["choices"] = [(str(level.pk), level.name) for level in refs.risks]

    def search(self, queryset, name, value):
        parties = EntryParty.objects.filter(entry=OuterRef("pk"), person__name__icontains=value)
        return queryset.filter(
            Q(title__icontains=value) | Q(facts__icontains=value) | Q(place__icontains=value) | Exists(parties)
        )

    def filter_unit(self, queryset, name, value):
        if value == TOWNSHIP_UNIT:
            return queryset.filter(village__isnull=True)
        return queryset.filter(village_id=value)

    def filter_month(self, queryset, name, value):
        match = MONTH_RE.match(value)
        if not match or not 1 <= int(match[2]) <= 12:
            return queryset.none()
        return queryset.filter(found_on__range=month_bounds(int(match[1]), int(match[2])))

    def filter_type(self, queryset, name, value):
        return filter_dispute_type(queryset, value, self.refs)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(past_due("deadline", self.today), status__in=LedgerEntry.OPEN_STATUSES)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(
            {
                "criminal": Q(may_turn_criminal=True),
                "group": Q(may_become_group=True),
                "any": Q(may_turn_criminal=True) | Q(may_become_group=True),
            }[value]
        )

    def period_text(self):
        """Describe the dates the filters cover, for the title of an export."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        month = data.get("month") or ""
        match = MONTH_RE.match(month)
        if match:
            first, last = month_bounds(int(match[1]), int(match[2]))
        else:
            first, last = data.get("found_from"), data.get("found_to")
        if not first and not last:
            return str(_("all dates"))
        return "%s – %s" % (first.isoformat() if first else "…", last.isoformat() if last else "…")
