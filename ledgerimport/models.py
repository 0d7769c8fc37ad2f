"""Imports of ledgers kept before the system (docs/domain.md §9): each upload is a batch, kept with
who imported what file when, and which rows became which cases, so that the same rows are never
imported twice and a batch can be undone while nobody has touched its cases."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models import LedgerEntry, MediationCase, ScreeningRound
from office.models import Person, Township
from petitions.models import Petition


def upload_path(instance, filename):
    return f"imports/{instance.township_id}/{instance.sha256}.bin"


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        PETITIONS = "petitions", _("Petition ledger")
        SCREENING = "screening", _("Dispute screening ledger")
        MEDIATION = "mediation", _("People's mediation ledger")

    class State(models.TextChoices):
        DRAFT = "draft", _("Not yet imported")
        IMPORTED = "imported", _("Imported")
        UNDONE = "undone", _("Undone")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    kind = models.CharField(_("ledger"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    file = models.FileField(_("file"), upload_to=upload_path)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    # {column index: field key or ""}, and {field key: {value in the sheet: value chosen}}.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    value_map = models.JSONField(_("value mapping"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    present_count = models.PositiveIntegerField(_("already present"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("undone by"))

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-pk"]
        permissions = [("import_ledger", _("Can import ledgers kept before the system"))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"


class ImportedRow(models.Model):
    """One sheet row that became a case: what re-imports are matched on, and what undo removes."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ImportBatch.Kind.choices)
    row_number = models.PositiveIntegerField(_("sheet row"))
    original_number = models.CharField(_("original number"), max_length=60, blank=True)
    fingerprint = models.CharField(max_length=64)
    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="imported_from")
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="imported_from")
    mediation_case = models.OneToOneField(MediationCase, on_delete=models.CASCADE, null=True, blank=True,
                                          related_name="imported_from")

    class Meta:
        indexes = [
            models.Index(fields=["township", "kind", "fingerprint"], name="imported_fingerprint"),
            models.Index(fields=["township", "kind", "original_number"], name="imported_original_number"),
        ]


class ImportedPerson(models.Model):
    """A person the batch created (undo removes those no other case refers to)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")


class ImportedRound(models.Model):
    """A screening round the batch created to hold its historic entries (one per unit and month, of
    the period kind "imported"): undo removes it once it holds no entry."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rounds")
    round = models.OneToOneField(ScreeningRound, on_delete=models.CASCADE, related_name="imported_by")


class SavedMapping(models.Model):
    """The column mapping last confirmed for a sheet of this shape (its header), per township and ledger."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ImportBatch.Kind.choices)
    signature = models.CharField(max_length=64)  # SHA-256 of the header's column names
    mapping = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "kind", "signature"], name="saved_mapping_unique")]
