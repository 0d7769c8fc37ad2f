"""Intake and edit forms: validate and clean; never save, never a status field."""
import io
import re
import uuid
import warnings

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from office.forms import BootstrapMixin, DateInput
from office.models import Person, Unit, Village
from office.setup import choices_queryset
from office.validators import (
    normalise_id_number,
    normalise_phone,
    sex_from_id_number,
    validate_id_number,
    validate_phone,
)

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


# A received date further back than this must be confirmed (docs/domain.md §2.1).
OLD_RECEIPT_DAYS = 60


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
        if self.instance.pk is not None:
            del self.fields["is_major"]  # marked on the case page instead (mark_major)
        # The township's list: its county's and its own (office/setup.py, docs/domain.md §10).
        self.fields["category"].queryset = choices_queryset(ContentCategory, township, keep=self.instance.category_id)
        self.fields["village"].queryset = Village.objects.filter(township=township, is_active=True)
        self.fields["complained_unit"].queryset = Unit.objects.filter(township=township, is_active=True)
        self.fields["complained_village"].queryset = Village.objects.filter(township=township, is_active=True)
        staff = get_user_model().objects.filter(staff__township=township, is_active=True).select_related("staff")
        self.fields["complained_staff"].queryset = staff.order_by("last_name", "username")
        self.fields["complained_staff"].label_from_instance = staff_label
        self.fields["request"].required = True
        self.fields["head_count"].widget.attrs["min"] = 2

    # Intake only (the edit form drops them): Art 25 at once, and a date far back confirmed.
    is_major = forms.BooleanField(label=_("major or urgent matter: report at once (信访工作条例 Art 25)"),
                                  required=False)
    confirm_received_on = forms.BooleanField(label=_("The received date is correct"), required=False)

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        check_received_on(value)
        return value

    def clean(self):
        data = super().clean()
        received = data.get("received_on")
        changed = self.instance.pk is None or received != self.instance.received_on
        days = (timezone.localdate() - received).days if received else 0
        if changed and days > OLD_RECEIPT_DAYS and not data.get("confirm_received_on"):
            # A year typo once made a case "已逾期 987 天"; historic cases come in through the import.
            self.add_error("received_on", _(
                "The received date is %(days)s days ago, more than %(limit)s: check the year, and tick "
                "“The received date is correct” to keep it.") % {"days": days, "limit": OLD_RECEIPT_DAYS})
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
    keep_sex = forms.BooleanField(label=_("keep the sex as typed"), required=False)

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

    def clean(self):
        data = super().clean()
        implied = sex_from_id_number(data.get("id_number"))
        typed = data.get("sex")
        if typed and implied and typed != implied and not data.get("keep_sex"):
            # Never replaced silently: the clerk chooses (correct the sex, or keep it as typed).
            self.add_error("sex", _(
                "The ID number implies %(implied)s but %(typed)s was entered: correct the sex, or tick "
                "“keep the sex as typed”.") % {"implied": Person.Sex(implied).label, "typed": Person.Sex(typed).label})
        return data


class BasePetitionerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not rows:
            # Beside the first name field, where the petitioner's name goes, and above the form.
            if self.forms:
                self.forms[0].add_error("name", _("Enter at least one petitioner."))
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
    if suffix in IMAGE_SUFFIXES:
        check_image(upload)


IMAGE_SUFFIXES = {"jpg", "jpeg", "png", "tif", "tiff"}
# Markup a browser would run if the file were ever taken for a page (an HTML/JPEG polyglot). Looked
# for where such markup hides, the metadata at the start and anything after the picture's end, not
# in the compressed pixels (where a short tag name turns up by chance).
MARKUP = re.compile(rb"<(script|html|body|iframe|object|embed|meta|!doctype)\b|javascript:", re.IGNORECASE)
METADATA_BYTES = 64 * 1024
IMAGE_ENDS = {"jpg": (b"\xff\xd9", 2), "jpeg": (b"\xff\xd9", 2), "png": (b"IEND", 8)}


def check_image(upload):
    """Open an image with Pillow before it is accepted: a picture larger than MAX_IMAGE_PIXELS (a
    decompression bomb), one that does not decode, or one carrying HTML is refused."""
    refused = forms.ValidationError(
        _("%(name)s is not an image that can be opened safely (damaged, too large, or with hidden content).")
        % {"name": upload.name}
    )
    data = upload.read()
    upload.seek(0)
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    end_marker, end_length = IMAGE_ENDS.get(suffix, (None, 0))
    trailing = data[data.rfind(end_marker) + end_length:] if end_marker and end_marker in data else b""
    if MARKUP.search(data[:METADATA_BYTES]) or MARKUP.search(trailing):
        raise refused
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise refused
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused from None


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
