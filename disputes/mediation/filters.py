"""The mediation list's filters and search (django-filter)."""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.adoption import past_due

from ..models import MediationCase, MediationParty
from ..permissions import sees_whole_township, staff_of
from ..screening.filters import MONTH_RE, TOWNSHIP_UNIT, LedgerFilterForm, dispute_type_choices, filter_dispute_type
from ..screening.forms import DATE_INPUT
from ..screening.selectors import month_bounds


class MediationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"),
                                  help_text=_("Case or agreement number, dispute, party's name"))
    committee = django_filters.ChoiceFilter(method="filter_committee", label=_("Mediation committee"))
    status = django_filters.ChoiceFilter(choices=MediationCase.Status.choices, label=_("Mediation status"))
    source = django_filters.ChoiceFilter(choices=MediationCase.Source.choices, label=_("Source"))
    procedure = django_filters.ChoiceFilter(choices=MediationCase.Procedure.choices, label=_("Procedure"))
    case_class = django_filters.ChoiceFilter(
        choices=[(str(k), v) for k, v in MediationCase._meta.get_field("case_class").choices], label=_("Case class")
    )
    type = django_filters.ChoiceFilter(method="filter_type", label=_("Dispute type"))
    month = django_filters.CharFilter(
        method="filter_month", label=_("Month registered"), widget=forms.TextInput(attrs={"type": "month"})
    )
    registered_from = django_filters.DateFilter(field_name="registered_on", lookup_expr="gte",
                                                label=_("Registered from"), widget=DATE_INPUT)
    registered_to = django_filters.DateFilter(field_name="registered_on", lookup_expr="lte",
                                              label=_("Registered until"), widget=DATE_INPUT)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the mediation limit"),
                                           widget=forms.CheckboxInput)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("registered_on", "registered"), ("due_on", "due")),
        field_labels={
            "registered_on": _("Registered, oldest first"),
            "-registered": _("Registered, newest first"),
            "due_on": _("Mediation due, soonest first"),
            "-due": _("Mediation due, latest first"),
        },
    )

    class Meta:
        model = MediationCase
        fields = []
        form = LedgerFilterForm

    def __init__(self, data=None, queryset=None, *, request, refs, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.refs = refs
        self.today = timezone.localdate()
        staff = staff_of(request.user)
        if staff and sees_whole_township(request.user):
            villages = [(str(v.pk), v.name) for v in staff.township.villages.all()]
            self.filters["committee"].extra["choices"] = villages + [(TOWNSHIP_UNIT, _("Township committee"))]
        else:
            del self.filters["committee"]
        self.filters["type"].extra["choices"] = dispute_type_choices(refs)

    def search(self, queryset, name, value):
        parties = MediationParty.objects.filter(case=OuterRef("pk"), person__name__icontains=value)
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(agreement__number__icontains=value)
            | Exists(parties)
        )

    def filter_committee(self, queryset, name, value):
        if value == TOWNSHIP_UNIT:
            return queryset.filter(committee_village__isnull=True)
        return queryset.filter(committee_village_id=value)

    def filter_type(self, queryset, name, value):
        return filter_dispute_type(queryset, value, self.refs)

    def filter_month(self, queryset, name, value):
        match = MONTH_RE.match(value)
        if not match or not 1 <= int(match[2]) <= 12:
            return queryset.none()
        return queryset.filter(registered_on__range=month_bounds(int(match[1]), int(match[2])))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(past_due("due_on", self.today), status__in=MediationCase.MEDIATION_STATUSES)
