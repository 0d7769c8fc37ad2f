"""Dispute screening (矛盾纠纷排查, docs/domain.md §3.1): rounds, the ledger and its reference lists."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from office.adoption import counted_deadline
from office.casekit import CaseEventBase
from office.models import Person, Township, Unit, Village, one_owner, owner_county, owner_township, unique_per_owner

from ..periods import DEFAULT_ANCHOR, REGULAR_KINDS, Period, PeriodKind


class DisputeType(models.Model):
    """A dispute category or sub-category (two levels; seeded with the Ministry of Justice list): the
    deployment's standard list, a county's and a township's own, merged for each township by category and
    name (office/setup.py, docs/domain.md §10). A township's sub-type may sit under its county's category."""

    county = owner_county()
    township = owner_township()
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("category"),
        help_text=_("Empty for a top-level category."),
    )
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dispute type")
        verbose_name_plural = _("dispute types")
        ordering = ["sort_order", "name"]
        constraints = [
            one_owner("disputetype"),
            *unique_per_owner("dispute_category", ["name"], Q(parent__isnull=True)),
            *unique_per_owner("dispute_type", ["parent", "name"], Q(parent__isnull=False)),
        ]

    def __str__(self):
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name

    @property
    def category(self):
        return self.parent if self.parent_id else self

    @property
    def list_key(self):
        """Which inherited entry a township's own replaces: the same category name and name."""
        return (self.parent.name if self.parent_id else "", self.name)

    def clean(self):
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Dispute types have two levels: choose a top-level category.")})
            if self.pk and self.children.exists():
                raise ValidationError({"parent": _("This category has sub-types, so it cannot become one.")})
            if not self.may_sit_under(self.parent):
                raise ValidationError({"parent": _("Choose a category of this list or of a list it inherits.")})

    def may_sit_under(self, parent):
        """A sub-type sits under a category of its own list or of one its list inherits (office/setup.py):
        the standard list's, its county's, its township's own."""
        if parent.township_id is not None:
            return parent.township_id == self.township_id
        if parent.county_id is not None:
            county_id = self.county_id or (self.township.county_id if self.township_id else None)
            return parent.county_id == county_id
        return True


class RiskLevel(models.Model):
    """A risk grade with its colour (default 一般 green, 较大 yellow, 重大 red)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #dc3545."))],
    )
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("Higher is more serious."))
    is_major = models.BooleanField(
        _("major"), default=False, help_text=_("Unresolved entries of this level are listed in the monthly brief.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk level")
        verbose_name_plural = _("risk levels")
        ordering = ["rank"]

    def __str__(self):
        return self.name

    @property
    def text_colour(self):
        """Black or white, whichever reads better on the level's colour."""
        red, green, blue = (int(self.colour[i : i + 2], 16) for i in (1, 3, 5))
        return "#000" if (299 * red + 587 * green + 114 * blue) / 1000 > 150 else "#fff"


class ScreeningCadence(models.Model):
    """How often a kind of screening unit files a round, and when a round counts as late."""

    class Scope(models.TextChoices):
        VILLAGE = "village", _("Village mediation committees")
        TOWNSHIP = "township", _("Township center")

    scope = models.CharField(_("who files"), max_length=20, choices=Scope.choices, unique=True)
    kind = models.CharField(
        _("period"), max_length=20, choices=[(k.value, k.label) for k in REGULAR_KINDS], default=PeriodKind.WEEK
    )
    anchor = models.DateField(
        _("fortnights counted from"), default=DEFAULT_ANCHOR, help_text=_("A Monday; used by fortnightly periods.")
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days allowed after the period"),
        default=1,
        help_text=_(
            "A round filed by the period's last day plus this many days (moved to the next "
            "working day) is on time; later it is late."
        ),
    )

    class Meta:
        verbose_name = _("screening cadence")
        verbose_name_plural = _("screening cadences")
        ordering = ["scope"]

    def __str__(self):
        return f"{self.get_scope_display()}: {self.get_kind_display()}"

    def clean(self):
        if self.anchor and self.anchor.weekday() != 0:
            raise ValidationError({"anchor": _("Choose a Monday.")})

    DEFAULT_KINDS = {Scope.VILLAGE: PeriodKind.WEEK, Scope.TOWNSHIP: PeriodKind.FORTNIGHT}

    @classmethod
    def for_scope(cls, scope):
        """Return the cadence of villages or of the township (the defaults if none is stored)."""
        cadence = cls.objects.filter(scope=scope).first()
        return cadence or cls(scope=scope, kind=cls.DEFAULT_KINDS[scope])


class Campaign(models.Model):
    """A special screening campaign (集中排查) with dates of its own, e.g. before a holiday."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="screening_campaigns", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("special campaign")
        verbose_name_plural = _("special campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order")
        ]

    def __str__(self):
        return self.name

    @property
    def period(self):
        return Period(PeriodKind.CAMPAIGN, self.starts_on, self.ends_on, campaign_id=self.pk, name=self.name)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})


class ScreeningRound(models.Model):
    """One screening unit's report for one period: a village committee or the township center.

    ``village`` is empty for the township center's own fortnightly round.
    """

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="screening_rounds", verbose_name=_("township")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_rounds",
        verbose_name=_("village"),
    )
    kind = models.CharField(_("period kind"), max_length=20, choices=PeriodKind.choices)
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds", verbose_name=_("campaign")
    )
    due_on = models.DateField(_("due on"))
    zero_report = models.BooleanField(_("zero report"), default=False)
    note = models.TextField(_("note"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        ordering = ["-starts_on", "village__sort_order", "pk"]
        permissions = [
            ("file_village_round", _("Can file the screening round of their own village")),
            ("file_township_round", _("Can file the township center's screening round")),
            ("view_compliance", _("Can see which units have not filed")),
            ("view_brief", _("Can see the monthly analysis brief")),
        ]
        constraints = [
            # One round per unit and period; NULLs are distinct in unique indexes, hence four.
            models.UniqueConstraint(
                fields=["village", "kind", "starts_on"],
                condition=Q(village__isnull=False, campaign__isnull=True),
                name="round_unique_village_period",
            ),
            models.UniqueConstraint(
                fields=["township", "kind", "starts_on"],
                condition=Q(village__isnull=True, campaign__isnull=True),
                name="round_unique_township_period",
            ),
            models.UniqueConstraint(
                fields=["village", "campaign"],
                condition=Q(village__isnull=False, campaign__isnull=False),
                name="round_unique_village_campaign",
            ),
            models.UniqueConstraint(
                fields=["township", "campaign"],
                condition=Q(village__isnull=True, campaign__isnull=False),
                name="round_unique_township_campaign",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="round_dates_in_order"),
        ]
        indexes = [models.Index(fields=["township", "starts_on"], name="round_township_start")]

    def __str__(self):
        return f"{self.unit_name} · {self.period.label}"

    @property
    def period(self):
        if self.kind == PeriodKind.CAMPAIGN:
            return Period(self.kind, self.starts_on, self.ends_on, self.campaign_id, self.campaign.name)
        return Period(self.kind, self.starts_on, self.ends_on)

    @property
    def unit_name(self):
        return self.village.name if self.village_id else str(_("Township center"))

    @property
    def filed_on(self):
        return timezone.localdate(self.filed_at)

    @property
    def is_late(self):
        return self.filed_on > self.due_on


class LedgerEntry(models.Model):
    """One dispute on the screening ledger (排查台账), carried from round to round until closed."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Being resolved")
        RESOLVED = "resolved", _("Resolved")
        UNRESOLVED = "unresolved", _("Unresolved")
        TRANSFERRED = "transferred", _("Transferred")

    class Resolution(models.TextChoices):
        """How a resolved dispute was settled (docs/domain.md §4: 参调率 counts MEDIATED)."""

        MEDIATED = "mediated", _("Resolved by mediation (调解化解)")
        SETTLED = "settled", _("Settled by the parties themselves (自行和解)")
        OTHER = "other", _("Other (其他)")

    # Carried over into the unit's next round until resolved; a transferred dispute is
    # followed by the organ that received it.
    OPEN_STATUSES = (Status.IN_PROGRESS, Status.UNRESOLVED)

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("township")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries", verbose_name=_("village")
    )
    first_round = models.ForeignKey(
        ScreeningRound, on_delete=models.PROTECT, related_name="found_entries", verbose_name=_("found in round")
    )
    found_on = models.DateField(_("found on"))
    title = models.CharField(_("dispute"), max_length=100, help_text=_("A short name, e.g. 张某与李某宅基地界址纠纷."))
    parties = models.ManyToManyField(
        Person, through="EntryParty", related_name="dispute_entries", verbose_name=_("parties")
    )
    head_count = models.PositiveSmallIntegerField(_("people involved"), default=2, validators=[MinValueValidator(1)])
    dispute_type = models.ForeignKey(
        DisputeType, on_delete=models.PROTECT, related_name="entries", verbose_name=_("dispute type")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    facts = models.TextField(_("facts"))
    risk_level = models.ForeignKey(RiskLevel, on_delete=models.PROTECT, related_name="entries", verbose_name=_("risk level"))
    may_turn_criminal = models.BooleanField(_("may turn criminal"), default=False)
    may_become_group = models.BooleanField(_("may become a group incident"), default=False)
    measures = models.TextField(_("handling measures"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=40, blank=True)
    lead_official = models.CharField(_("leader in charge"), max_length=40, blank=True)
    deadline = models.DateField(_("resolve by"))
    # An imported case (docs/domain.md §9): its deadlines count from this day, not from before the system
    # was in use (office/adoption.py). Empty for a case recorded in the system.
    counts_from = models.DateField(_("deadlines count from"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    # Bumped by every move, so a page acted on after someone else moved the entry is refused.
    version = models.PositiveIntegerField(default=0, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    resolution = models.CharField(
        _("how it was resolved"), max_length=20, choices=Resolution.choices, blank=True,
        help_text=_("Set when the dispute is marked resolved: by mediation (also by the village committee during "
                    "screening), by the parties themselves, or otherwise."),
    )
    transferred_to = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("transferred to")
    )
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    meeting_referred_on = models.DateField(_("referred to a special meeting on"), null=True, blank=True)
    mediation_requested_on = models.DateField(_("mediation requested on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-found_on", "-pk"]
        permissions = [
            ("close_ledgerentry", _("Can mark ledger entries resolved or unresolved")),
            ("route_ledgerentry", _("Can transfer ledger entries to the police or a special meeting")),
            ("request_mediation", _("Can request mediation for a ledger entry")),
        ]
        indexes = [
            models.Index(fields=["township", "status"], name="entry_township_status"),
            models.Index(fields=["township", "found_on"], name="entry_township_found"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("found_on")), name="entry_deadline_after_found")
        ]

    def __str__(self):
        return self.title

    @property
    def unit_name(self):
        return self.village.name if self.village_id else str(_("Township center"))

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def counted_deadline(self):
        """The deadline as the system counts it (an imported entry's from the day it came in; office/adoption.py)."""
        return counted_deadline(self.deadline, self.counts_from)

    def days_left(self, today):
        """Days until the deadline (negative when past); None once the entry is closed."""
        return (self.counted_deadline - today).days if self.is_open else None

    def is_overdue(self, today):
        return self.is_open and self.counted_deadline < today

    def age_on(self, day):
        return (day - self.found_on).days


class EntryParty(models.Model):
    """A party to a ledger entry, in the order they were entered."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="party_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dispute_party_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "person"], name="entry_party_unique")]

    def __str__(self):
        return str(self.person)


class RoundEntry(models.Model):
    """An entry as it stood in one round: newly found there, or carried over still open."""

    round = models.ForeignKey(ScreeningRound, on_delete=models.CASCADE, related_name="items", verbose_name=_("round"))
    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="appearances", verbose_name=_("entry"))
    is_carry_over = models.BooleanField(_("carried over"), default=False)
    status = models.CharField(_("status after the round"), max_length=20, choices=LedgerEntry.Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("entry in a round")
        verbose_name_plural = _("entries in rounds")
        ordering = ["is_carry_over", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="round_entry_unique")]

    def __str__(self):
        return f"{self.round} · {self.entry}"

    @property
    def age_days(self):
        """How old the dispute was when the round was filed (or at the period's end, if earlier)."""
        return self.entry.age_on(min(self.round.ends_on, self.round.filed_on))


class EntryEvent(CaseEventBase):
    """The readable timeline of a ledger entry: who did what, when, and why."""

    class Action(models.TextChoices):
        FOUND = "found", _("Found in a screening round")
        EDITED = "edited", _("Details corrected")
        PARTY_ADDED = "party_added", _("Party added")
        RESOLVED = "resolved", _("Marked resolved")
        UNRESOLVED = "unresolved", _("Marked unresolved")
        TRANSFERRED = "transferred", _("Transferred to the police station")
        MEETING = "meeting", _("Referred to a township special meeting")
        MEDIATION_REQUESTED = "mediation_requested", _("Mediation requested")
        IMPORTED = "imported", _("Imported from a ledger")

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="events", verbose_name=_("entry"))
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=LedgerEntry.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=LedgerEntry.Status.choices, blank=True)
    round = models.ForeignKey(
        ScreeningRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("round")
    )

    class Meta(CaseEventBase.Meta):
        verbose_name = _("entry event")
        verbose_name_plural = _("entry events")

