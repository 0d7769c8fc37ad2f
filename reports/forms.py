import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.forms import BootstrapMixin

from .figures import Period


class PeriodForm(BootstrapMixin, forms.Form):
    """A reporting period: a month (YYYY-MM) or a range of dates; the current month by default."""

    month = forms.RegexField(label=_("month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             error_messages={"invalid": _("Enter the month as YYYY-MM, e.g. 2026-11.")},
                             widget=forms.TextInput(attrs={"type": "month"}))
    start = forms.DateField(label=_("first day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

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
