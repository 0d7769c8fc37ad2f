"""The forms every area's action pages share (office.actions): each carries the case version it was
opened with, so a page acted on after someone else moved the case is refused."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .followup import EscalationBase, Satisfaction, VisitMethod
from .forms import BootstrapMixin, DateInput


class ActionForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case, user, **kwargs):
        self.case, self.user = case, user
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", case.version)
        super().__init__(*args, **kwargs)


class ConfirmForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideEscalationForm(ActionForm):
    """Decide the case's pending escalation (office.escalation)."""

    escalation: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label=_("decision"), choices=[("1", _("approve")), ("0", _("refuse"))],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.case.escalations.filter(state=EscalationBase.State.PENDING)
        self.escalation_field().queryset = pending
        first = pending.first()
        if first is not None:
            self.initial.setdefault("escalation", first.pk)


    def escalation_field(self) -> forms.ModelChoiceField:
        field = self.fields["escalation"]
        assert isinstance(field, forms.ModelChoiceField)
        return field


class ReturnVisitForm(ActionForm):
    visited_on = forms.DateField(label=_("visited on"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("method"), choices=VisitMethod.choices)
    reached = forms.TypedChoiceField(label=_("person reached"), choices=[("1", _("yes")), ("0", _("no"))],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    result = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 3}))
    satisfaction = forms.ChoiceField(label=_("satisfaction"), choices=[("", "—")] + list(Satisfaction.choices),
                                     required=False)
