import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.forms import BootstrapMixin, DateInput

from .figures import Period


class PeriodForm(BootstrapMixin, forms.Form):
    """A reporting period: a month (YYYY-MM) or a range of dates; the current month by default."""

    month = forms.RegexField(label=_("month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             error_messages={"invalid": _("Enter the month as YYYY-MM, e.g. 2026-11.")},
                             widget=forms.TextInput(attrs={"type": "month"}))
    start = forms.DateField(label=_("first day"), required=False, widget=DateInput())
    end = forms.DateField(label=_("last day"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Give both the first and the last day, or a month."))
        if start and end and start > end:
            raise forms.ValidationError(_("The first day must not be after the last day."))
        if start and end and (end - start).days > 366 * 2:
            raise forms.ValidationError(_("Choose a period of at most two years."))
        return data

    def period(self):
        """The chosen period (call after is_valid)."""
        data = self.cleaned_data
        if data.get("start"):
            return Period(data["start"], data["end"])
        if data.get("month"):
            year, month = map(int, data["month"].split("-"))
        else:
            today = timezone.localdate()
            year, month = today.year, today.month
        first = datetime.date(year, month, 1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        return Period(first, last)


class YearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class AssignDownForm(BootstrapMixin, forms.Form):
    """The county's 交办 / 转送 of a petition to one of its townships (docs/domain.md §10)."""

    township = forms.ModelChoiceField(label=_("township"), queryset=None)
    source = forms.ChoiceField(label=_("assigned or forwarded"), choices=[
        ("assigned", _("Assigned by a higher organ")), ("forwarded", _("Forwarded by a higher organ"))])
    source_organ = forms.CharField(label=_("forwarding organ"), max_length=100)
    source_reference = forms.CharField(label=_("its reference number"), max_length=60, required=False,
                                       help_text=_("E.g. the number of the national petition system."))
    source_deadline = forms.DateField(label=_("deadline set by that organ"), required=False,
                                      widget=DateInput())
    received_on = forms.DateField(label=_("received on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("channel"))
    title = forms.CharField(label=_("title"), max_length=200)
    request = forms.CharField(label=_("request"), widget=forms.Textarea(attrs={"rows": 3}))
    facts = forms.CharField(label=_("facts and reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    name = forms.CharField(label=_("petitioner"), max_length=40)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)

    def __init__(self, *args, townships, county, **kwargs):
        from petitions.models import Petition

        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["channel"].choices = Petition.Channel.choices
        self.fields["source_organ"].initial = f"{county.name}信访局"
        self.fields["received_on"].initial = timezone.localdate()

    def petition_data(self):
        """The registration data petitions/services.py register_petition takes."""
        d = self.cleaned_data
        return {
            "channel": d["channel"], "source": d["source"], "source_organ": d["source_organ"],
            "source_reference": d["source_reference"], "source_deadline": d["source_deadline"],
            "received_on": d["received_on"], "purpose": "seek_solution", "category": None, "title": d["title"],
            "request": d["request"], "facts": d["facts"], "place": "", "village": None, "complained_unit": None,
            "complained_party": "", "confidential": False, "is_group": False, "head_count": None,
        }

    def petitioners(self):
        d = self.cleaned_data
        return [{"name": d["name"], "phone": d["phone"], "id_number": d["id_number"]}]
