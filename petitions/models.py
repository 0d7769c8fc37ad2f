"""Petition cases (信访事项): intake, the case file and its timeline."""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from office.models import Person, Township, Unit, Village


class ContentCategory(models.Model):
    """Admin-editable list of what petitions are about (内容分类)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("content category")
        verbose_name_plural = _("content categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class PetitionCounter(models.Model):
    """Last number issued per township and year; locked with select_for_update when numbering."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="petition_counter_unique")]


class Petition(models.Model):
    class Channel(models.TextChoices):
        # 信访工作条例 Art 17: the forms a petition may take.
        VISIT = "visit", _("Visit")
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Phone call")
        ONLINE = "online", _("Online")
        FAX = "fax", _("Fax")

    class Source(models.TextChoices):
        DIRECT = "direct", _("Direct to the township")
        FORWARDED = "forwarded", _("Forwarded by a higher organ")
        ASSIGNED = "assigned", _("Assigned by a higher organ")

    class Purpose(models.TextChoices):
        SEEK_SOLUTION = "seek_solution", _("Seeking a solution")
        APPEAL = "appeal", _("Appeal")
        REPORT = "report", _("Report or accusation")
        SUGGESTION = "suggestion", _("Opinion or suggestion")
        CONSULT = "consult", _("Enquiry")
        OTHER = "other", _("Other")

    class StatutoryClass(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestions and opinions (Art 29)")
        REPORT = "report", _("Reports and accusations (Art 30)")
        CLAIM = "claim", _("Appeals and claims (Art 31)")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")

    PURPOSE_CLASS = {
        Purpose.SEEK_SOLUTION: StatutoryClass.CLAIM,
        Purpose.APPEAL: StatutoryClass.CLAIM,
        Purpose.REPORT: StatutoryClass.REPORT,
        Purpose.SUGGESTION: StatutoryClass.SUGGESTION,
        Purpose.CONSULT: StatutoryClass.SUGGESTION,
        Purpose.OTHER: StatutoryClass.CLAIM,
    }
    OPEN_STATUSES = [Status.REGISTERED]
    MAX_REPRESENTATIVES = 5  # 信访工作条例 Art 20: a group visit sends at most five representatives.

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("township"))
    number = models.CharField(_("number"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.DIRECT)
    source_organ = models.CharField(_("forwarding organ"), max_length=100, blank=True)
    source_reference = models.CharField(_("its reference number"), max_length=60, blank=True)
    source_deadline = models.DateField(_("deadline set by that organ"), null=True, blank=True)
    received_on = models.DateField(_("received on"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    category = models.ForeignKey(
        ContentCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions",
        verbose_name=_("content category"),
    )
    title = models.CharField(_("title"), max_length=200)
    request = models.TextField(_("request"))
    facts = models.TextField(_("facts and reasons"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions",
        verbose_name=_("village concerned"),
    )
    complained_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("member unit complained about"),
    )
    complained_party = models.CharField(_("unit or person complained about"), max_length=200, blank=True)
    confidential = models.BooleanField(
        _("confidential"), default=False,
        help_text=_("Reports and accusations are always confidential (信访工作条例 Art 30, 46)."),
    )
    is_group = models.BooleanField(_("group visit"), default=False)
    head_count = models.PositiveIntegerField(_("head count"), null=True, blank=True)
    is_repeat = models.BooleanField(_("repeat petition"), default=False)
    related_cases = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="later_cases", verbose_name=_("earlier cases")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    decision_due_on = models.DateField(_("decision due"))
    # The deadline that matters in the current state; kept by the workflow so lists can sort and
    # filter on one indexed column.
    due_on = models.DateField(_("due"), null=True, blank=True)
    assigned_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_petitions",
        verbose_name=_("assigned unit"),
    )
    assigned_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_petitions",
        verbose_name=_("assigned village"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="handled_petitions",
        verbose_name=_("handler"),
    )
    recused = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="recused_petitions",
        verbose_name=_("recused staff"),
        help_text=_("Staff with a direct interest in the case (信访工作条例 Art 28); the case is hidden from them."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_petitions",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # One registration per intake form, however often its submit button is pressed.
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["intake_token"])

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="petition_unique_sequence"),
            models.UniqueConstraint(fields=["township", "number"], name="petition_unique_number"),
        ]
        indexes = [
            models.Index(fields=["township", "status", "due_on"], name="petition_status_due"),
            models.Index(fields=["township", "-received_on"], name="petition_received"),
            models.Index(fields=["assigned_unit", "status"], name="petition_unit_status"),
        ]
        permissions = [
            ("register_petition", _("Can register petitions")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def statutory_class(self):
        return self.PURPOSE_CLASS[self.purpose]

    def get_statutory_class_display(self):
        return self.StatutoryClass(self.statutory_class).label

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def clean(self):
        errors = {}
        if self.purpose == self.Purpose.REPORT:
            self.confidential = True
        if self.is_group and not self.head_count:
            errors["head_count"] = _("A group visit needs its head count.")
        if self.source != self.Source.DIRECT and not self.source_organ:
            errors["source_organ"] = _("Name the organ that forwarded or assigned the case.")
        if errors:
            raise ValidationError(errors)


class PetitionParty(models.Model):
    """A petitioner of one case; for a group visit, the representatives are flagged."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="petition_parties", verbose_name=_("person"))
    is_representative = models.BooleanField(_("representative"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["petition", "person"], name="petition_party_unique")]


def attachment_path(instance, filename):
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"petitions/{instance.petition.year}/{uuid.uuid4().hex}.{suffix}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter scan")
        PHOTO = "photo", _("Photo")
        ID_COPY = "id_copy", _("ID copy")
        OTHER = "other", _("Other")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class CaseEvent(models.Model):
    """The append-only, readable timeline of a case: who did what, when, from which state to which."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        EDITED = "edited", _("Registration details edited")
        ATTACHED = "attached", _("Attachment added")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
