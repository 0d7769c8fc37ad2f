"""One small form per workflow action; each carries the case version it was opened with."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office import action_forms as shared
from office.followup import CaseClass
from office.forms import DateInput
from office.models import TimeLimits, Unit, Village
from office.roles import HANDLER, LEADER, holders

from .models import MajorReport, Petition, Reply, Supervision


class ActionForm(shared.ActionForm):
    """A petition's action form: the case is ``self.petition`` as well as ``self.case``."""

    @property
    def petition(self):
        return self.case


ConfirmForm = shared.ConfirmForm
ReasonForm = shared.ReasonForm
ReturnVisitForm = shared.ReturnVisitForm
DecideEscalationForm = shared.DecideEscalationForm


class CommentForm(ActionForm):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredCommentForm(ActionForm):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(ActionForm):
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 4}))


class ProposeDecisionForm(ActionForm):
    decision = forms.ChoiceField(label=_("proposed decision"), choices=Petition.Decision.choices,
                                 widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    lawful_channel = forms.CharField(
        label=_("lawful channel"), required=False,
        help_text=_("For a case not accepted: e.g. 向人民法院提起诉讼, 申请劳动仲裁, 申请行政复议."),
    )
    forward_to = forms.CharField(label=_("forwarded to"), required=False)
    case_class = forms.TypedChoiceField(label=_("case class"), choices=CaseClass.choices, coerce=int,
                                        initial=CaseClass.TWO,
                                        help_text=_("Drives the return visit: class 1 within 1 month, class 2 within 3, class 3 within 6 of the reply."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == Petition.Decision.NOT_ACCEPT and not data.get("lawful_channel", "").strip():
            self.add_error("lawful_channel", _("Name the lawful channel the petitioner should take."))
        if data.get("decision") == Petition.Decision.FORWARD and not data.get("forward_to", "").strip():
            self.add_error("forward_to", _("Name the organ the case is forwarded to."))
        return data


class AssignForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    handler = forms.ModelChoiceField(label=_("handler"), queryset=get_user_model().objects.none(), required=False,
                                     help_text=_("Leave empty to let the unit choose; whoever signs for it becomes the handler."))
    lead_leader = forms.ModelChoiceField(label=_("leader in charge (包案领导)"), queryset=get_user_model().objects.none())
    instruction = forms.CharField(label=_("leader's instruction"), widget=forms.Textarea(attrs={"rows": 3}))
    unit_due_on = forms.DateField(label=_("unit deadline"), required=False, widget=DateInput(),
                                  help_text=_("Within the legal limit; empty means the legal limit itself."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        township = self.petition.township
        units = Unit.objects.filter(township=township, is_active=True)
        villages = Village.objects.filter(township=township, is_active=True)
        handlers = holders(HANDLER, township=township)
        leaders = holders(LEADER, township=township)
        # Whom the case complains about is never offered (信访工作条例 Art 46; workflow.check_not_complained_about).
        named = self.petition.complained_staff.values("pk")
        handlers, leaders = handlers.exclude(pk__in=named), leaders.exclude(pk__in=named)
        if self.petition.complained_unit_id:
            units = units.exclude(pk=self.petition.complained_unit_id)
            handlers = handlers.exclude(staff__unit_id=self.petition.complained_unit_id)
            leaders = leaders.exclude(staff__unit_id=self.petition.complained_unit_id)
        if self.petition.complained_village_id:
            villages = villages.exclude(pk=self.petition.complained_village_id)
            handlers = handlers.exclude(staff__village_id=self.petition.complained_village_id)
            leaders = leaders.exclude(staff__village_id=self.petition.complained_village_id)
        self.fields["unit"].queryset = units
        self.fields["village"].queryset = villages
        self.fields["handler"].queryset = handlers.select_related("staff").order_by("staff__unit", "last_name")
        self.fields["lead_leader"].queryset = leaders.select_related("staff")
        self.fields["handler"].label_from_instance = lambda u: f"{u.last_name}{u.first_name or u.username}（{u.staff.unit or u.staff.village}）"
        self.fields["lead_leader"].label_from_instance = lambda u: f"{u.last_name}{u.first_name or u.username}"
        if self.petition.handling_due_on:
            self.fields["unit_due_on"].widget.attrs["max"] = self.petition.handling_due_on.isoformat()
        if self.user.staff and getattr(self.user, "pk", None) in set(self.fields["lead_leader"].queryset.values_list("pk", flat=True)):
            self.initial.setdefault("lead_leader", self.user.pk)

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) == bool(data.get("village")):
            raise forms.ValidationError(_("Assign the case to one unit or one village."))
        return data


class SuperviseForm(ActionForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Supervision.Kind.choices)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))
    new_deadline = forms.DateField(label=_("new deadline for the unit"), required=False, widget=DateInput())


class SupervisionResultForm(ActionForm):
    supervision = forms.ModelChoiceField(label=_("supervision"), queryset=Supervision.objects.none())
    result = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervision"].queryset = self.petition.supervisions.filter(result_at__isnull=True)
        self.fields["supervision"].label_from_instance = lambda s: f"{s.created_at:%Y-%m-%d} {s.get_kind_display()}：{s.note[:40]}"


class ExtensionForm(ActionForm):
    days = forms.IntegerField(label=_("days"), min_value=1)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("It is written into the extension notice for the petitioner."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = TimeLimits.for_township(self.petition.township).extension_max_days
        self.fields["days"].widget.attrs["max"] = self.limit

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > self.limit:
            raise forms.ValidationError(
                _("An extension is at most %(limit)d days (信访工作条例 Art 34).") % {"limit": self.limit}
            )
        return days


class ReplyForm(ActionForm):
    request_summary = forms.CharField(label=_("the request"), widget=forms.Textarea(attrs={"rows": 2}))
    facts = forms.CharField(label=_("facts and reasons found"), widget=forms.Textarea(attrs={"rows": 4}))
    finding = forms.ChoiceField(label=_("opinion"), choices=Reply.Finding.choices, widget=forms.RadioSelect)
    legal_basis = forms.CharField(label=_("legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    review_note = forms.CharField(
        label=_("additional note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The review right of 信访工作条例 Art 35 is printed as fixed text; a note here is printed below it and cannot replace it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = getattr(self.petition, "reply", None) if hasattr(self.petition, "reply") else None
        if existing is not None:
            for name in ("request_summary", "facts", "finding", "legal_basis", "review_note"):
                self.initial.setdefault(name, getattr(existing, name))
        self.initial.setdefault("request_summary", self.petition.request)


class ReportBackForm(ActionForm):
    reported_on = forms.DateField(label=_("result reported on"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("reported by way of"), choices=Petition.ReportMethod.choices)
    summary = forms.CharField(
        label=_("what was reported"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, the reply and the petitioner's opinion: printed in the 信访事项办理情况报告."),
    )


class ServeForm(ActionForm):
    served_on = forms.DateField(label=_("served on"), widget=DateInput(), initial=timezone.localdate)
    method = forms.ChoiceField(label=_("method"), choices=Petition.ServeMethod.choices)


class OpinionForm(ActionForm):
    opinion = forms.ChoiceField(
        label=_("petitioner's opinion"), widget=forms.RadioSelect,
        choices=[(k, v) for k, v in Petition.Opinion.choices if k != Petition.Opinion.NONE],
    )
    opinion_on = forms.DateField(label=_("opinion on"), widget=DateInput(), initial=timezone.localdate)


class MajorReportForm(ActionForm):
    """Record the report of a major or urgent matter (信访工作条例 Art 25): to whom, when and how."""

    to_government = forms.BooleanField(label=_("to the party committee and government of this level (Art 25 ¶1)"),
                                       required=False)
    to_higher_office = forms.BooleanField(label=_("to the petition office one level up (Art 25 ¶2)"), required=False)
    reported_at = forms.DateTimeField(label=_("reported at"), initial=timezone.localtime,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    method = forms.ChoiceField(label=_("how"), choices=MajorReport.Method.choices)
    note = forms.CharField(label=_("what was reported"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))


class EscalateForm(ActionForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    is_major = forms.BooleanField(label=_("major or urgent matter: report at once (信访工作条例 Art 25)"), required=False)


