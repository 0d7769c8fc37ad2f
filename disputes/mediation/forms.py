"""Forms for people's mediation: validate and clean what people type; the workflow does the writing.

Action forms carry the case version the page was opened with (a stale page is refused).
"""
import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office import action_forms as shared
from office.followup import CaseClass
from office.forms import BootstrapMixin
from office.models import Person, Unit, display_name
from office.roles import COORDINATOR, LEADER, has_role
from office.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone

from ..models import AgreementParty, MediationAgreement, MediationCase, MediationParty
from ..screening.forms import DATE_INPUT, ReferenceLists
from .selectors import eligible_mediators
from .services import CaseData, CaseParty
from .workflow import SNAPSHOT_FIELDS

TOWNSHIP_COMMITTEE = "township"
Role = MediationParty.Role


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def mediator_label(user):
    staff = getattr(user, "staff", None)
    place = staff.village.name if staff is not None and staff.village_id else _("Township committee")
    return f"{display_name(user)}（{place}）"


# --- opening a case ---------------------------------------------------------------------------


class CaseFieldsForm(BootstrapMixin, forms.Form):
    """What every new case states, whatever it was opened from."""

    committee = forms.ChoiceField(label=_("Mediation committee"))
    title = forms.CharField(label=_("Dispute"), max_length=100, help_text=_("A short name, e.g. 张某与李某宅基地界址纠纷."))
    dispute_type = forms.TypedChoiceField(label=_("Dispute type"), coerce=int)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    facts = forms.CharField(label=_("Facts"), widget=_textarea(4))
    claims = forms.CharField(label=_("What is asked for"), widget=_textarea(2), required=False)
    case_class = forms.TypedChoiceField(
        label=_("Case class"), choices=CaseClass.choices, coerce=int, initial=CaseClass.TWO,
        help_text=_("By size and complexity. Drives the return visit: 1, 3 or 6 months after the agreement."),
    )
    procedure = forms.ChoiceField(
        label=_("Procedure"), choices=MediationCase.Procedure.choices, initial=MediationCase.Procedure.STANDARD,
        widget=forms.RadioSelect,
        help_text=_("Simple: registration only. Standard: investigation, mediation, agreement, return visit, case file."),
    )
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"), queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, refs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        staff = user.staff
        self.township = staff.township
        villages = list(self.township.villages.filter(is_active=True))
        self.villages = {str(v.pk): v for v in villages}
        choices = [(str(v.pk), f"{v.name}人民调解委员会") for v in villages]
        choices.append((TOWNSHIP_COMMITTEE, f"{self.township.name}人民调解委员会"))
        if not has_role(user, COORDINATOR, LEADER):  # a post, as in permissions.can_open_case
            own = str(staff.village_id) if staff.village_id else TOWNSHIP_COMMITTEE
            choices = [choice for choice in choices if choice[0] == own] or choices
        self.fields["committee"].choices = choices
        self.fields["committee"].initial = str(staff.village_id) if staff.village_id else choices[0][0]
        self.refs = refs or ReferenceLists(self.township)
        self.fields["dispute_type"].choices = self.refs.type_choices
        mediators = eligible_mediators(self.township)
        self.fields["mediators"].queryset = mediators
        self.fields["mediators"].label_from_instance = mediator_label
        if any(m.pk == user.pk for m in mediators):
            self.fields["mediators"].initial = [user.pk]

    def clean_committee(self):
        value = self.cleaned_data["committee"]
        return None if value == TOWNSHIP_COMMITTEE else self.villages[value]

    def clean_dispute_type(self):
        return self.refs.types[self.cleaned_data["dispute_type"]]

    def case_data(self, **extra):
        data = self.cleaned_data
        return CaseData(
            committee_village=data["committee"], title=data["title"], dispute_type=data["dispute_type"],
            facts=data["facts"], claims=data["claims"], place=data["place"], case_class=data["case_class"],
            procedure=data["procedure"], mediators=list(data["mediators"]),
            **extra,
        )


class CaseForm(CaseFieldsForm):
    """A case brought by a party, taken up by the committee, or entrusted by the police or a court."""

    source = forms.ChoiceField(
        label=_("Source"), initial=MediationCase.Source.APPLICATION,
        choices=[(k, v) for k, v in MediationCase.Source.choices
                 if k not in (MediationCase.Source.LEDGER, MediationCase.Source.PETITION)],
    )
    source_organ = forms.CharField(label=_("Entrusting organ"), max_length=100, required=False)
    source_reference = forms.CharField(label=_("Its reference number"), max_length=60, required=False)

    field_order = ["committee", "source", "source_organ", "source_reference"]

    def clean(self):
        data = super().clean()
        entrusted = data.get("source") in (MediationCase.Source.POLICE, MediationCase.Source.COURT)
        if entrusted and not (data.get("source_organ") or "").strip():
            self.add_error("source_organ", _("Name the organ that entrusted the case."))
        return data

    def case_data(self):
        data = self.cleaned_data
        return super().case_data(source=data["source"], source_organ=data["source_organ"],
                                 source_reference=data["source_reference"])


class PartyForm(BootstrapMixin, forms.Form):
    """One party of a new case, with the basic information the agreement will state."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False, validators=[validate_id_number])
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False, validators=[validate_phone])
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—")] + list(Person.Sex.choices), required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False, initial="汉族")
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE_INPUT)

    def clean_id_number(self):
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def party(self):
        data = self.cleaned_data
        return CaseParty(role=data["role"], name=data["name"], id_number=data["id_number"], phone=data["phone"],
                         address=data["address"], sex=data["sex"], ethnicity=data["ethnicity"],
                         birth_date=data["birth_date"])


class BasePartyFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "use_required_attribute": False}

    def parties(self):
        return [form.party() for form in self.forms if form.has_changed() and form.cleaned_data.get("name")]

    def clean(self):
        if any(self.errors):
            return
        named = [form for form in self.forms if form.has_changed() and form.cleaned_data.get("name")]
        roles = {form.cleaned_data.get("role") for form in named}
        if self.require_both and not {Role.APPLICANT, Role.RESPONDENT} <= roles:
            raise forms.ValidationError(_("A mediation needs at least one applicant and one respondent."))

    require_both = True


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=0, min_num=2, max_num=12,
                                     validate_max=True)


class RespondentFormSet(forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=1, max_num=6,
                                              validate_max=True)):
    """The respondents named when mediation is opened from a petition (its petitioners apply)."""

    require_both = False

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.parties():
            raise forms.ValidationError(_("Name at least one respondent."))


class FromEntryForm(CaseFieldsForm):
    """Open the case of a ledger entry: the entry's parties, each as applicant or respondent."""

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.links = list(entry.party_links.all())
        for index, link in enumerate(self.links):
            field = forms.ChoiceField(label=link.person.name, choices=Role.choices,
                                      initial=Role.APPLICANT if index == 0 else Role.RESPONDENT,
                                      widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[f"role_{link.person_id}"] = field
        self.initial.setdefault("title", entry.title)
        self.initial.setdefault("facts", entry.facts)
        self.initial.setdefault("place", entry.place)
        self.initial.setdefault("dispute_type", entry.dispute_type_id)
        self.initial.setdefault("committee", str(entry.village_id) if entry.village_id else TOWNSHIP_COMMITTEE)

    def clean(self):
        data = super().clean()
        roles = {data.get(f"role_{link.person_id}") for link in self.links}
        if not {Role.APPLICANT, Role.RESPONDENT} <= roles:
            raise forms.ValidationError(_("A mediation needs at least one applicant and one respondent."))
        return data

    def roles(self):
        return {link.person_id: self.cleaned_data[f"role_{link.person_id}"] for link in self.links}


class FromPetitionForm(CaseFieldsForm):
    """Open mediation from a petition: its title, facts and request become the case's."""

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("title", petition.title[:100])
        self.initial.setdefault("facts", petition.facts or petition.request)
        self.initial.setdefault("claims", petition.request)
        self.initial.setdefault("place", petition.place)
        if petition.village_id:
            self.initial.setdefault("committee", str(petition.village_id))


# --- actions on a case ------------------------------------------------------------------------


ActionForm = shared.ActionForm
ConfirmForm = shared.ConfirmForm
ReasonForm = shared.ReasonForm
DecideEscalationForm = shared.DecideEscalationForm


class ReturnVisitForm(shared.ReturnVisitForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached"].label = _("Parties reached")


class StartForm(ActionForm):
    parties_accept = forms.BooleanField(
        label=_("Every party accepts mediation"), required=False,
        help_text=_("When a party clearly refuses, there is no mediation (人民调解法 Art 17): terminate the case instead."),
    )
    note = forms.CharField(label=_("Note"), widget=_textarea(2), required=False)


class AssignMediatorsForm(ActionForm):
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"), queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = eligible_mediators(self.case.township)
        self.fields["mediators"].label_from_instance = mediator_label
        self.initial.setdefault("mediators", list(self.case.mediators.values_list("pk", flat=True)))


class SessionForm(ActionForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_INPUT, initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = forms.CharField(label=_("Who attended"), widget=_textarea(2))
    record = forms.CharField(label=_("Record of what was said"), widget=_textarea(5))
    agreed = forms.CharField(label=_("What was agreed"), widget=_textarea(2), required=False)


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=30, initial=15)
    reason = forms.CharField(label=_("Reason"), widget=_textarea(2))
    parties_agree = forms.BooleanField(label=_("Both parties agree to the extension"), required=False)


TERM_NUMBER = re.compile(r"^\s*[（(]?[0-9一二三四五六七八九十]{1,3}[)）.、．](?!\d)\s*")


def split_terms(text):
    """One term per line; numbering typed by hand (1. / 1、/ （一）) is dropped, the PDF numbers them."""
    return [TERM_NUMBER.sub("", line).strip() for line in (text or "").splitlines() if TERM_NUMBER.sub("", line).strip()]


class TermsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return split_terms(super().to_python(value))


class OralAgreementForm(ActionForm):
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE_INPUT, initial=timezone.localdate)
    terms = TermsField(label=_("What was agreed (one term per line)"))
    facts = forms.CharField(label=_("Main facts"), widget=_textarea(2), required=False)
    disputed_matters = forms.CharField(label=_("Disputed matters"), widget=_textarea(2), required=False)
    performance_manner = forms.CharField(label=_("How it was performed"), widget=_textarea(2), required=False)
    writing_waived = forms.BooleanField(label=_("The parties agree that a written agreement is unnecessary (Art 28)"),
                                        required=False)
    immediate_performance = forms.BooleanField(label=_("It is performed at once"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("facts", self.case.facts)


class SignaturesForm(ActionForm):
    effective_on = forms.DateField(label=_("Signed by everyone on"), widget=DATE_INPUT, initial=timezone.localdate)
    signed_parties = forms.ModelMultipleChoiceField(
        label=_("Parties who signed, sealed or fingerprinted"), queryset=AgreementParty.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    mediator_signed = forms.BooleanField(label=_("The mediator signed"), required=False)
    seal_applied = forms.BooleanField(label=_("The committee's seal is applied"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_parties"].queryset = AgreementParty.objects.filter(agreement__case=self.case)
        self.fields["signed_parties"].label_from_instance = lambda p: f"{p.get_role_display()} {p.name}"
        agreement = MediationAgreement.objects.filter(case=self.case).first()
        if agreement and agreement.signed_on:
            self.initial["effective_on"] = agreement.signed_on

    def clean_signed_parties(self):
        return [party.pk for party in self.cleaned_data["signed_parties"]]


class PerformanceForm(ActionForm):
    performance = forms.ChoiceField(
        label=_("Performance"), widget=forms.RadioSelect,
        choices=[(k, v) for k, v in MediationAgreement.Performance.choices if k != MediationAgreement.Performance.PENDING],
    )
    note = forms.CharField(label=_("What was done"), widget=_textarea(3))
    performed_on = forms.DateField(label=_("Fully performed on"), widget=DATE_INPUT, required=False,
                                   initial=timezone.localdate)


class ApplyConfirmationForm(ActionForm):
    applied_on = forms.DateField(label=_("Applied on"), widget=DATE_INPUT, initial=timezone.localdate)
    court = forms.CharField(label=_("Court"), max_length=100)


class ConfirmationResultForm(ActionForm):
    result = forms.ChoiceField(label=_("Court's ruling"), choices=MediationAgreement.Confirmation.choices,
                               widget=forms.RadioSelect)
    ruling_number = forms.CharField(label=_("Ruling number"), max_length=60)
    ruled_on = forms.DateField(label=_("Ruled on"), widget=DATE_INPUT, initial=timezone.localdate)


class TerminateForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Why it ends"), widget=forms.RadioSelect,
        choices=[(k, v) for k, v in MediationCase.Termination.choices if k != MediationCase.Termination.TRANSFERRED],
    )
    note = forms.CharField(label=_("What happened"), widget=_textarea(3))
    channels_told = forms.BooleanField(
        label=_("The parties were told they may seek arbitration, administrative or court remedies (Art 26)"),
        required=False,
    )


class TransferForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("Police station"), queryset=Unit.objects.none(), empty_label=None)
    note = forms.CharField(label=_("Why it goes to the police"), widget=_textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(township=self.case.township, kind=Unit.Kind.POLICE,
                                                           is_active=True)


# --- the written agreement --------------------------------------------------------------------


class AgreementForm(BootstrapMixin, forms.Form):
    """The written agreement's contents (docs/domain.md §3.3); a draft may be saved incomplete."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    facts = forms.CharField(label=_("Main facts"), widget=_textarea(4), required=False)
    disputed_matters = forms.CharField(label=_("Disputed matters"), widget=_textarea(2), required=False)
    responsibilities = forms.CharField(label=_("Each party's responsibility"), widget=_textarea(3), required=False)
    terms = TermsField(label=_("Agreed terms (one per line: rights and obligations)"), required=False)
    performance_manner = forms.CharField(label=_("Manner of performance"), widget=_textarea(2), required=False)
    performance_place = forms.CharField(label=_("Place of performance"), max_length=200, required=False)
    performance_deadline = forms.DateField(label=_("Performance deadline"), widget=DATE_INPUT, required=False)
    signed_on = forms.DateField(label=_("Date of signing"), widget=DATE_INPUT, required=False,
                                initial=timezone.localdate, help_text=_("Printed on the agreement."))

    def clean(self):
        data = super().clean()
        deadline, signed = data.get("performance_deadline"), data.get("signed_on")
        if deadline and signed and deadline < signed:
            self.add_error("performance_deadline", _("The performance deadline cannot be before the date of signing."))
        return data

    def agreement_data(self):
        return {name: self.cleaned_data[name] for name in self.fields if name not in ("version", "reason")}


class CorrectionForm(AgreementForm):
    reason = forms.CharField(label=_("What is corrected and why"), widget=_textarea(2))

    field_order = ["reason"]


class AgreementPartyForm(BootstrapMixin, forms.Form):
    """A party's basic information as the agreement states it (a snapshot, editable until finalised)."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=40, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—")] + list(Person.Sex.choices), required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE_INPUT, required=False)
    age = forms.IntegerField(label=_("Age (if the birth date is unknown)"), min_value=0, max_value=130, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False, validators=[validate_id_number])
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False, validators=[validate_phone])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role_label = self.initial.get("role_label", "")

    def clean_id_number(self):
        return normalise_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


AgreementPartyFormSet = forms.formset_factory(AgreementPartyForm, extra=0)


def agreement_initial(agreement, case):
    """The form's initial values: the agreement's (a fresh draft takes the case's facts)."""
    if agreement is None:
        return {"facts": case.facts, "signed_on": timezone.localdate(), "version": case.version}
    initial = {name: getattr(agreement, name) for name in AgreementForm.base_fields if name != "version"}
    initial["version"] = case.version
    return initial


def snapshot_initial(agreement, case):
    """One row per party: its snapshot in the agreement, or (before the first save) its person record."""
    if agreement is not None:
        rows = [(p.person_id, p.get_role_display(), p) for p in agreement.parties.all()]
    else:
        rows = [(link.person_id, link.get_role_display(), link.person)
                for link in case.party_links.select_related("person")]
    return [
        {"person": person_id, "role_label": role, **{name: getattr(source, name, None) for name in SNAPSHOT_FIELDS}}
        for person_id, role, source in rows
    ]


def parties_data(formset):
    """{person id: snapshot fields} from a bound, valid snapshot formset."""
    return {form.cleaned_data["person"]: {k: v for k, v in form.cleaned_data.items() if k != "person"}
            for form in formset.forms if form.cleaned_data}
