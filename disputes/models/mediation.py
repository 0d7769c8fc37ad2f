"""People's mediation (人民调解, docs/domain.md §3.2–3.3): cases, sessions, agreements, return visits.

Article numbers are those of 人民调解法 (2010). Nothing here assigns a case's ``status``: the
functions of disputes/mediation/workflow.py do, one per move.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from office.adoption import counted_deadline
from office.casekit import CaseEventBase
from office.followup import CaseClass, EscalationBase, ReturnVisitBase
from office.models import EscalationLevel, IssuedDocument, Person, Township, Unit, Village
from office.numbering import CounterBase
from office.validators import validate_id_number, validate_phone

from .screening import DisputeType, LedgerEntry


class MediationCounter(CounterBase):
    """Last number issued in one series and year (office.numbering.next_number locks it).

    Series: ``case`` for the township's case numbers, ``agreement:<committee>`` for agreement
    numbers, which are gap-free per committee (a village committee or the township committee).
    """

    series = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["township", "series", "year"], name="mediation_counter_unique")
        ]


class MediationCase(models.Model):
    """One mediation case of a people's mediation committee (人民调解委员会)."""

    class Source(models.TextChoices):
        APPLICATION = "application", _("Application by a party")
        INITIATIVE = "initiative", _("The committee's own initiative")
        LEDGER = "ledger", _("A dispute on the screening ledger")
        PETITION = "petition", _("A petition")
        POLICE = "police", _("Entrusted by the police")
        COURT = "court", _("Entrusted by a court")

    class Procedure(models.TextChoices):
        SIMPLE = "simple", _("Simple procedure (register only)")
        STANDARD = "standard", _("Standard procedure")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        MEDIATING = "mediating", _("Being mediated")
        AGREED = "agreed", _("Agreed, awaiting signatures")
        PERFORMING = "performing", _("Agreement in effect, being performed")
        PERFORMED = "performed", _("Performed")
        VISITED = "visited", _("Return visit done")
        ARCHIVED = "archived", _("Archived")
        TERMINATED = "terminated", _("Terminated")

    class Termination(models.TextChoices):
        REFUSED = "refused", _("A party refuses mediation (Art 17)")
        FAILED = "failed", _("Mediation failed (Art 26)")
        WITHDRAWN = "withdrawn", _("The applicant withdrew")
        TRANSFERRED = "transferred", _("Transferred to the police station (Art 25)")

    OPEN_STATUSES = [
        Status.REGISTERED, Status.MEDIATING, Status.AGREED, Status.PERFORMING, Status.PERFORMED, Status.VISITED,
    ]
    # Before an agreement: what the one-month mediation limit covers.
    MEDIATION_STATUSES = [Status.REGISTERED, Status.MEDIATING]

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="mediation_cases", verbose_name=_("township")
    )
    number = models.CharField(_("case number"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    committee_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="mediation_cases",
        verbose_name=_("mediation committee"), help_text=_("A village committee; empty for the township committee."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_organ = models.CharField(
        _("entrusting organ"), max_length=100, blank=True, help_text=_("For cases entrusted by the police or a court.")
    )
    source_reference = models.CharField(_("its reference number"), max_length=60, blank=True)
    ledger_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="mediation_case",
        verbose_name=_("ledger entry"),
    )
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, null=True, blank=True, related_name="mediation_cases",
        verbose_name=_("petition"),
    )
    title = models.CharField(_("dispute"), max_length=100, help_text=_("A short name, e.g. 张某与李某宅基地界址纠纷."))
    parties = models.ManyToManyField(
        Person, through="MediationParty", related_name="mediation_cases", verbose_name=_("parties")
    )
    dispute_type = models.ForeignKey(
        DisputeType, on_delete=models.PROTECT, related_name="mediation_cases", verbose_name=_("dispute type")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    facts = models.TextField(_("facts"))
    claims = models.TextField(_("what is asked for"), blank=True)
    case_class = models.PositiveSmallIntegerField(
        _("case class"), choices=CaseClass.choices, default=CaseClass.TWO,
        help_text=_("Drives the return visit: class 1 within 1 month, class 2 within 3, class 3 within 6 of the agreement."),
    )
    procedure = models.CharField(_("procedure"), max_length=10, choices=Procedure.choices, default=Procedure.STANDARD)
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="mediation_cases", verbose_name=_("mediators")
    )
    ladder_level = models.ForeignKey(
        EscalationLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("escalation level"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registered_on = models.DateField(_("registered on"))
    due_on = models.DateField(_("mediation due"))
    # An imported case (docs/domain.md §9): its deadlines count from this day, not from before the system
    # was in use (office/adoption.py). Empty for a case recorded in the system.
    counts_from = models.DateField(_("deadlines count from"), null=True, blank=True, editable=False)
    extended = models.BooleanField(_("extended with the parties' consent"), default=False)
    started_on = models.DateField(_("mediation started on"), null=True, blank=True)
    closed_on = models.DateField(_("mediation ended on"), null=True, blank=True)
    termination = models.CharField(_("why it ended"), max_length=20, choices=Termination.choices, blank=True)
    termination_note = models.TextField(_("termination note"), blank=True)
    # 人民调解法 Art 26: a failed mediation ends with the parties told of their other channels.
    channels_told = models.BooleanField(_("parties told of arbitration, administrative and court channels"), default=False)
    transferred_to = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("transferred to")
    )
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-registered_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="mediation_unique_sequence"),
            models.UniqueConstraint(fields=["township", "number"], name="mediation_unique_number"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("registered_on")), name="mediation_due_after_registration"
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "due_on"], name="mediation_status_due"),
            models.Index(fields=["township", "committee_village", "status"], name="mediation_committee"),
        ]
        permissions = [
            ("mediate_mediationcase", _("Can mediate cases they are a mediator of")),
            ("supervise_mediationcase", _("Can supervise mediation: mediators, extensions, return visits, archive")),
            ("route_mediationcase", _("Can escalate mediation cases or transfer them to the police")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def committee_name(self):
        """The committee's full name, e.g. 青溪村人民调解委员会."""
        return f"{self.committee_short_name}人民调解委员会"

    @property
    def committee_short_name(self):
        """The village's name, or the township's for its own committee."""
        return self.committee_village.name if self.committee_village_id else self.township.name

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def counted_due(self):
        """The mediation limit as the system counts it (an imported case's from the day it came in; office/adoption.py)."""
        return counted_deadline(self.due_on, self.counts_from)

    @property
    def is_mediating(self):
        return self.status in self.MEDIATION_STATUSES

    @property
    def is_standard(self):
        return self.procedure == self.Procedure.STANDARD

    def clean(self):
        if self.committee_village_id and self.committee_village.township_id != self.township_id:
            raise ValidationError({"committee_village": _("The village belongs to another township.")})
        if self.source in (self.Source.POLICE, self.Source.COURT) and not self.source_organ.strip():
            raise ValidationError({"source_organ": _("Name the organ that entrusted the case.")})


class MediationParty(models.Model):
    """A party to a mediation case: an applicant or a respondent (the shared Person)."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="party_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mediation_party_links",
                               verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="mediation_party_unique")]

    def __str__(self):
        return f"{self.get_role_display()} {self.person}"


class MediationEvent(CaseEventBase):
    """The append-only, readable timeline of a mediation case."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        START = "start", _("Mediation started")
        ASSIGN_MEDIATORS = "assign_mediators", _("Mediators appointed")
        RECORD_SESSION = "record_session", _("Mediation session recorded")
        EXTEND = "extend", _("Extended with the parties' consent")
        RAISE_ESCALATION = "raise_escalation", _("Escalation requested")
        APPROVE_ESCALATION = "approve_escalation", _("Escalation approved")
        REJECT_ESCALATION = "reject_escalation", _("Escalation refused")
        SAVE_AGREEMENT = "save_agreement", _("Agreement draft saved")
        FINALISE_AGREEMENT = "finalise_agreement", _("Agreement finalised")
        CORRECT_AGREEMENT = "correct_agreement", _("Corrected agreement issued")
        RECORD_ORAL_AGREEMENT = "record_oral_agreement", _("Oral agreement recorded")
        RECORD_SIGNATURES = "record_signatures", _("Agreement signed: in effect")
        RECORD_PERFORMANCE = "record_performance", _("Performance recorded")
        APPLY_CONFIRMATION = "apply_confirmation", _("Judicial confirmation applied for")
        RECORD_CONFIRMATION = "record_confirmation", _("Judicial confirmation ruling recorded")
        RECORD_RETURN_VISIT = "record_return_visit", _("Return visit")
        TERMINATE = "terminate", _("Mediation terminated")
        TRANSFER_TO_POLICE = "transfer_to_police", _("Transferred to the police station")
        ARCHIVE = "archive", _("Archived")
        IMPORTED = "imported", _("Imported from a ledger")

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=MediationCase.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=MediationCase.Status.choices, blank=True)

    class Meta(CaseEventBase.Meta):
        verbose_name = _("mediation event")
        verbose_name_plural = _("mediation events")


class MediationSession(models.Model):
    """One mediation session: when, where, who attended, what was said and agreed (Art 27)."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.TextField(_("who attended"))
    record = models.TextField(_("record of what was said"))
    agreed = models.TextField(_("what was agreed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.place}"


class MediationAgreement(models.Model):
    """The mediation agreement (人民调解协议书, Art 28–33), written or oral, and what became of it."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Written agreement")
        ORAL = "oral", _("Oral agreement")

    class Performance(models.TextChoices):
        PENDING = "pending", _("Not yet performed")
        PARTIAL = "partial", _("Partly performed")
        PERFORMED = "performed", _("Performed")
        DEFAULTED = "defaulted", _("A party does not perform")

    class Confirmation(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed valid")
        INVALID = "invalid", _("Confirmed invalid")
        REJECTED = "rejected", _("Application rejected")

    case = models.OneToOneField(MediationCase, on_delete=models.CASCADE, related_name="agreement")
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.WRITTEN)
    # (2026)青溪村人调字第12号: gap-free per committee (``series``) and year, given at finalising.
    number = models.CharField(_("agreement number"), max_length=60, blank=True)
    series = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    facts = models.TextField(_("main facts"), blank=True)
    disputed_matters = models.TextField(_("disputed matters"), blank=True)
    responsibilities = models.TextField(_("each party's responsibility"), blank=True)
    terms = models.JSONField(_("agreed terms"), default=list, blank=True)
    performance_manner = models.TextField(_("manner of performance"), blank=True)
    performance_place = models.CharField(_("place of performance"), max_length=200, blank=True)
    performance_deadline = models.DateField(_("performance deadline"), null=True, blank=True)
    signed_on = models.DateField(_("date of signing"), null=True, blank=True)
    # Art 28: an oral agreement only when the parties find writing unnecessary (and, by custom,
    # performance is immediate).
    writing_waived = models.BooleanField(_("the parties find a written agreement unnecessary"), default=False)
    immediate_performance = models.BooleanField(_("performance is immediate"), default=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    drafted_at = models.DateTimeField(_("drafted at"))
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("finalised by"),
    )
    document = models.ForeignKey(
        IssuedDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("current version"),
    )
    effective_on = models.DateField(_("in effect from"), null=True, blank=True)
    performance_status = models.CharField(
        _("performance"), max_length=12, choices=Performance.choices, default=Performance.PENDING
    )
    performance_note = models.TextField(_("performance notes"), blank=True)
    performed_on = models.DateField(_("performed on"), null=True, blank=True)
    # Art 33: the parties may jointly apply to a court within 30 days of effect.
    confirmation_due_on = models.DateField(_("judicial confirmation window closes"), null=True, blank=True)
    confirmation_applied_on = models.DateField(_("judicial confirmation applied for on"), null=True, blank=True)
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    confirmation_result = models.CharField(
        _("court's ruling"), max_length=10, choices=Confirmation.choices, blank=True
    )
    confirmation_ruling_number = models.CharField(_("ruling number"), max_length=60, blank=True)
    confirmation_ruled_on = models.DateField(_("ruled on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"], condition=Q(sequence__isnull=False),
                name="agreement_unique_number",
            ),
        ]

    def __str__(self):
        return self.number or str(_("Draft agreement"))

    @property
    def is_written(self):
        return self.form == self.Form.WRITTEN

    @property
    def is_final(self):
        return self.finalised_at is not None or self.form == self.Form.ORAL

    @property
    def is_effective(self):
        return self.effective_on is not None

    @property
    def confirmation_open(self):
        """True while the parties may still apply for judicial confirmation (Art 33)."""
        return self.is_written and self.is_effective and not self.confirmation_applied_on

    def clean(self):
        if self.performance_deadline and self.signed_on and self.performance_deadline < self.signed_on:
            raise ValidationError(
                {"performance_deadline": _("The performance deadline cannot be before the date of signing.")}
            )


class AgreementParty(models.Model):
    """A party's basic information as it stands in the agreement (a snapshot taken at signing)."""

    agreement = models.ForeignKey(MediationAgreement, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=12, choices=MediationParty.Role.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Blank allowed while drafting: finalising lists whatever is missing (mediation.workflow.missing_contents).
    name = models.CharField(_("full name"), max_length=40, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Person.Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(130)]
    )
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    history = HistoricalRecords()

    # What the agreement must state about each party (docs/domain.md §3.3; Art 29 (1)).
    REQUIRED = ["name", "sex", "ethnicity", "id_number", "address", "phone"]

    class Meta:
        verbose_name = _("party in the agreement")
        verbose_name_plural = _("parties in the agreement")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["agreement", "person"], name="agreement_party_unique")]

    def __str__(self):
        return self.name


class MediationReturnVisit(ReturnVisitBase):
    """A return visit after the agreement, due by the case's class (office.followup)."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="return_visits")
    history = HistoricalRecords()

    class Meta(ReturnVisitBase.Meta):
        verbose_name = _("mediation return visit")
        verbose_name_plural = _("mediation return visits")


class MediationEscalation(EscalationBase):
    """A request to raise a mediation case one level on the ladder, decided by the person at that level (§2.4)."""

    CASE_FIELD, CASE_URL = "case", "disputes:mediation_detail"

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="escalations")
    history = HistoricalRecords()

    class Meta(EscalationBase.Meta):
        verbose_name = _("mediation escalation")
        verbose_name_plural = _("mediation escalations")
