from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS
from .reading import MAX_BYTES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Ledger kind"), choices=[(k.key, k.label) for k in KINDS.values() if k.importable])
    file = forms.FileField(label=_("File (.xlsx, .xls or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split the ledger by year and import each part.")
                % {"size": MAX_BYTES // (1024 * 1024)})
        return upload


def mapping_form(ledger, data=None):
    """One select per named column: a field of the ledger, or 不导入 (ignore)."""
    choices = [("", _("— not imported —"))] + [(f.key, f.label) for f in ledger.kind.fields]
    form = forms.Form(data)
    for index, name, key in ledger.columns:
        form.fields[f"col_{index}"] = forms.ChoiceField(label=name, choices=choices, required=False,
                                                        initial="" if key == "-" else key)
    form.fields["remember"] = forms.BooleanField(label=_("Use this mapping for the next file of the same shape"),
                                                 required=False, initial=True)
    return form
