"""Intake and edit forms: validate and clean; never save, never a status field."""
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from office.forms import BootstrapMixin, DateInput
from office.models import Person, Unit, Village
from office.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone

from .models import Attachment, ContentCategory, Petition
from .services import EDITABLE_FIELDS, check_received_on

MAX_UPLOAD_BYTES = getattr(settings, "PETITION_MAX_UPLOAD_MB", 10) * 1024 * 1024
# Extension -> the leading bytes such a file starts with (a renamed .exe is refused).
ALLOWED_UPLOADS = {
    "pdf": [b"%PDF"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "png": [b"\x89PNG"],
    "tif": [b"II*\x00", b"MM\x00*"],
    "tiff": [b"II*\x00", b"MM\x00*"],
    "docx": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0"],
}


def staff_label(user):
    """A member of staff as the forms name them: full name (or login), and their unit or village."""
    staff = getattr(user, "staff", None)
    place = (staff.unit or staff.village) if staff is not None else ""
    return f"{user.last_name}{user.first_name or ('' if user.last_name else user.username)}（{place}）"


class PetitionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Petition
        fields = EDITABLE_FIELDS
        widgets = {
            "received_on": DateInput(),
            "source_deadline": DateInput(),
            "request": forms.Textarea(attrs={"rows": 3}),
            "facts": forms.Textarea(attrs={"rows": 5}),
            "complained_staff": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ContentCategory.objects.filter(is_active=True)
        self.fields["village"].queryset = Village.objects.filter(township=township, is_active=True)
        self.fields["complained_unit"].queryset = Unit.objects.filter(township=township, is_active=True)
        self.fields["complained_village"].queryset = Village.objects.filter(township=township, is_active=True)
        staff = get_user_model().objects.filter(staff__township=township, is_active=True).select_related("staff")
        self.fields["complained_staff"].queryset = staff.order_by("last_name", "username")
        self.fields["complained_staff"].label_from_instance = staff_label
        self.fields["request"].required = True
        self.fields["head_count"].widget.attrs["min"] = 2

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        check_received_on(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("is_group") and not data.get("head_count"):
            self.add_error("head_count", _("A group visit needs its head count."))
        if data.get("source") and data["source"] != Petition.Source.DIRECT and not data.get("source_organ"):
            self.add_error("source_organ", _("Name the organ that forwarded or assigned the case."))
        if data.get("source") == Petition.Source.DIRECT:
            data["source_organ"], data["source_reference"], data["source_deadline"] = "", "", None
        if not data.get("is_group"):
            data["head_count"] = None
        return data


class PetitionerForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("full name"), max_length=40)
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—")] + list(Person.Sex.choices), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=22, required=False)
    phone = forms.CharField(label=_("phone"), max_length=24, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    village = forms.ModelChoiceField(label=_("village"), queryset=Village.objects.none(), required=False)
    is_representative = forms.BooleanField(label=_("representative"), required=False)

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(township=township)
        self.fields["village"].queryset = Village.objects.filter(township=township, is_active=True)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value

    def clean_phone(self):
        value = normalise_phone(self.cleaned_data["phone"])
        if value:
            validate_phone(value)
        return value


class BasePetitionerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            raise forms.ValidationError(_("Enter at least one petitioner."))
        if sum(1 for r in rows if r.get("is_representative")) > Petition.MAX_REPRESENTATIVES:
            raise forms.ValidationError(_("A group visit sends at most five representatives (信访工作条例 Art 20)."))
        ids = [r["id_number"] for r in rows if r.get("id_number")]
        if len(ids) != len(set(ids)):
            raise forms.ValidationError(_("The same ID number is entered twice."))

    def petitioners(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


PetitionerFormSet = forms.formset_factory(
    PetitionerForm, formset=BasePetitionerFormSet, extra=1, max_num=50, validate_max=True, can_delete=True
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def check_upload(upload):
    """Refuse files over the size limit or of a type we do not keep."""
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("%(name)s is %(size).1f MB; files may be at most %(limit)d MB.")
            % {"name": upload.name, "size": upload.size / 1048576, "limit": MAX_UPLOAD_BYTES // 1048576}
        )
    if suffix not in ALLOWED_UPLOADS:
        raise forms.ValidationError(
            _("%(name)s: only PDF, JPG, PNG, TIFF and Word files can be attached.") % {"name": upload.name}
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_UPLOADS[suffix]):
        raise forms.ValidationError(
            _("%(name)s is not really a %(suffix)s file.") % {"name": upload.name, "suffix": suffix.upper()}
        )


class AttachmentForm(BootstrapMixin, forms.Form):
    files = MultipleFileField(label=_("attachments"), required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=Attachment.Kind.choices, initial=Attachment.Kind.LETTER)

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            check_upload(upload)
        return files


class IntakeTokenForm(forms.Form):
    intake_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class EditVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
