"""Forms: validate and clean what people type; the service functions do the writing."""
import copy

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.forms import BootstrapMixin, DateInput
from office.models import Unit
from office.setup import merge, owners_of, township_list
from office.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone

from ..models import DisputeType, LedgerEntry, RiskLevel
from .services import EntryData, PartyData
from .workflow import allowed_actions

DATE_INPUT = DateInput()


class ReferenceLists:
    """The active dispute types in force in the township (its county's and its own, office/setup.py; for
    the county's own staff the county's) and the risk levels, read once per request (two queries) and
    shared by every form on the page. A sub-type sits under the category of its category's name in force:
    a township's own 邻里纠纷 takes the county's sub-types of 邻里纠纷 with it; an inactive one hides them.
    ``read``: the two lists as a page read them with its own rows (``parts``, office/onequery.py
    fetch_together)."""

    def __init__(self, township=None, *, county_id=None, read=None):
        if read is None:
            in_force = township_list(DisputeType, township, county_id=county_id, select_related=["parent"])
        else:
            in_force = merge(read["dispute_types"])
        self.categories = [t for t in in_force if t.parent_id is None and t.is_active]
        by_name = {t.name: t for t in self.categories}
        self.types = {t.pk: t for t in self.categories}
        children = {}
        for t in in_force:
            category = by_name.get(t.parent.name) if t.parent_id else None
            if category is not None and t.is_active:
                self.types[t.pk] = t
                children.setdefault(category.pk, []).append(t)
        self.type_choices = [("", "---------")]
        for category in self.categories:
            subs = children.get(category.pk)
            if subs:
                self.type_choices.append((category.name, [(t.pk, t.name) for t in subs]))
            else:
                self.type_choices.append((category.pk, category.name))
        self.children = children
        self.risks = list(RiskLevel.objects.filter(is_active=True)) if read is None else read["risk_levels"]
        self.risk_by_pk = {level.pk: level for level in self.risks}

    @classmethod
    def for_user(cls, user, read=None):
        staff = user.staff
        return cls(staff.township, county_id=staff.county_id, read=read)

    @staticmethod
    def parts(user):
        """The user's two lists as querysets (not executed), for a page's fetch_together."""
        staff = user.staff
        return {"dispute_types": DisputeType.objects.filter(owners_of(staff.township, staff.county_id))
                .select_related("parent"),
                "risk_levels": RiskLevel.objects.filter(is_active=True)}


class PartyFields(forms.Form):
    """Name, ID number, phone and address of one party."""

    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False, validators=[validate_id_number])
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False, validators=[validate_phone])
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def clean_id_number(self):
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class PartyForm(BootstrapMixin, PartyFields):
    pass


class RiskRadioSelect(forms.RadioSelect):
    """The risk levels as buttons in their colours, big enough for a thumb."""

    template_name = "disputes/widgets/risk_radio.html"
    option_template_name = "disputes/widgets/risk_option.html"
    colours = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["colour"] = self.colours.get(value, "#6c757d")
        return option


class EntryDetailsForm(BootstrapMixin, forms.Form):
    """The details of a dispute, as entered when it is found and corrected later."""

    title = forms.CharField(
        label=_("Dispute"), max_length=100, help_text=_("A short name, e.g. 张某与李某宅基地界址纠纷.")
    )
    dispute_type = forms.TypedChoiceField(label=_("Dispute type"), coerce=int)
    risk_level = forms.TypedChoiceField(label=_("Risk level"), coerce=int, widget=RiskRadioSelect)
    may_turn_criminal = forms.BooleanField(label=_("May turn criminal (民转刑)"), required=False)
    may_become_group = forms.BooleanField(label=_("May become a group incident"), required=False)
    head_count = forms.IntegerField(label=_("People involved"), min_value=1, max_value=9999, initial=2)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Handling measures"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=40, required=False)
    lead_official = forms.CharField(label=_("Leader in charge (包案领导)"), max_length=40, required=False)
    deadline = forms.DateField(
        label=_("Resolve by"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty for the township's mediation time limit."),
    )

    def __init__(self, *args, refs, **kwargs):
        super().__init__(*args, **kwargs)
        self.refs = refs
        self.fields["dispute_type"].choices = refs.type_choices
        self.fields["risk_level"].choices = [(level.pk, level.name) for level in refs.risks]
        self.fields["risk_level"].widget.colours = {level.pk: level.colour for level in refs.risks}
        if refs.risks and "risk_level" not in self.initial:
            self.fields["risk_level"].initial = refs.risks[0].pk

    def clean_dispute_type(self):
        return self.refs.types[self.cleaned_data["dispute_type"]]

    def clean_risk_level(self):
        return self.refs.risk_by_pk[self.cleaned_data["risk_level"]]

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline

    @classmethod
    def initial_for(cls, entry):
        initial = {name: getattr(entry, name) for name in EntryDetailsForm.base_fields}
        initial["dispute_type"] = entry.dispute_type_id
        initial["risk_level"] = entry.risk_level_id
        return initial

class EntryForm(EntryDetailsForm):
    """A newly found dispute, with its first two parties (more can be added on the entry's page)."""

    DETAIL_FIELDS = list(EntryDetailsForm.base_fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in (1, 2):
            for name, field in PartyFields.base_fields.items():
                field = copy.deepcopy(field)
                if name == "name":
                    field.label = _("Party %(number)s: name") % {"number": number}
                    field.required = number == 1
                field.widget.attrs.setdefault("class", "form-control")
                self.fields[f"party{number}_{name}"] = field

    def clean(self):
        data = super().clean()
        if not data.get("party2_name") and any(
            data.get(f"party2_{name}") for name in ("id_number", "phone", "address")
        ):
            self.add_error("party2_name", _("Enter the second party's name."))
        return data

    def parties(self):
        result = []
        for number in (1, 2):
            name = self.cleaned_data.get(f"party{number}_name")
            if name:
                result.append(
                    PartyData(
                        name=name,
                        id_number=normalise_id_number(self.cleaned_data[f"party{number}_id_number"]),
                        phone=normalise_phone(self.cleaned_data[f"party{number}_phone"]),
                        address=self.cleaned_data[f"party{number}_address"],
                    )
                )
        return result

    def entry_data(self):
        details = {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}
        return EntryData(**details, parties=self.parties())


class BaseEntryFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "use_required_attribute": False}


EntryFormSet = forms.formset_factory(EntryForm, formset=BaseEntryFormSet, extra=1, max_num=30, validate_max=True)

OUTCOME_ACTIONS = {"resolved": "resolve", "unresolved": "mark_unresolved"}


class CarryOverForm(BootstrapMixin, forms.Form):
    """The filer's word on a dispute carried over from an earlier round."""

    entry = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("This round"),
        required=False,
        choices=[("", _("Still being worked on")), ("resolved", _("Resolved")), ("unresolved", _("Unresolved"))],
    )
    how = forms.ChoiceField(
        label=_("How it was resolved"), required=False,
        choices=[("", "---------"), *LedgerEntry.Resolution.choices],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def limit_to(self, entry):
        """Offer only the outcomes the entry's state allows."""
        self.ledger_entry = entry
        allowed = allowed_actions(entry)
        self.fields["outcome"].choices = [
            (value, label)
            for value, label in self.fields["outcome"].choices
            if not value or OUTCOME_ACTIONS[value] in allowed
        ]

    def clean(self):
        data = super().clean()
        if data.get("outcome") and not (data.get("note") or "").strip():
            self.add_error("note", _("Say how it was resolved, or why it remains unresolved."))
        if data.get("outcome") == "resolved" and not data.get("how"):
            self.add_error("how", _("Choose how the dispute was resolved."))
        return data


CarryOverFormSet = forms.formset_factory(CarryOverForm, extra=0)


class RoundNoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note on this round"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    # The entry's version when the page was opened: a move made from a stale page is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ResolveForm(NoteForm):
    how = forms.ChoiceField(label=_("How it was resolved"), choices=LedgerEntry.Resolution.choices,
                            widget=forms.RadioSelect)

    field_order = ["how", "note"]


class TransferForm(NoteForm):
    unit = forms.ModelChoiceField(label=_("Police station"), queryset=Unit.objects.none(), empty_label=None)

    field_order = ["unit", "note"]

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            township=township, kind=Unit.Kind.POLICE, is_active=True
        )


class EntryEditForm(EntryDetailsForm):
    note = forms.CharField(label=_("Why (optional)"), required=False, max_length=200)


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("e.g. 春节前矛盾纠纷集中排查"))
    starts_on = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data
