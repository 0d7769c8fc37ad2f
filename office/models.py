"""The township office itself: its villages, member units, staff, ladder, limits and calendar."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import ric

from .validators import normalise_id_number, normalise_phone, sex_from_id_number, validate_id_number, validate_phone


def display_name(user):
    """A user's name in Chinese order (family name first), or the username."""
    return f"{user.last_name}{user.first_name}".strip() or user.username


class County(models.Model):
    """A county (县) whose office checks its townships (docs/domain.md §10): the townships under it are
    seen by its 县级督办 and set up by its 县级管理员; what it sets up is inherited by them."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    code = models.SlugField(_("code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Township(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    # A township of a county is seen and set up by the county's staff (docs/domain.md §10); empty for a
    # township running on its own.
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="townships", verbose_name=_("county")
    )
    # Short form used in document numbers, e.g. (2026)青溪人调字第12号.
    short_name = models.CharField(_("short name"), max_length=20)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    # The day the township started using the system (docs/domain.md §1): rounds due and figures
    # before it are not counted as missing; imported ledgers may hold cases from before it.
    go_live_on = models.DateField(
        _("in use since"), null=True, blank=True,
        help_text=_("The date from which the township records its work in this system; nothing due before it counts as missing."),
    )
    # Printed as the issuer of every notice served to a petitioner (docs/domain.md §6).
    petition_organ = models.CharField(
        _("petition organ"), max_length=100, blank=True,
        help_text=_("The organ that issues the township's petition documents, e.g. 青溪镇人民政府. Empty: the township's name + 人民政府."),
    )
    # Named in the review-right sentence of every written reply (信访工作条例 Art 35).
    review_organ = models.CharField(
        _("next-higher organ (review)"), max_length=100, blank=True,
        help_text=_("The organ one level above the petition organ, to which a petitioner may apply for review (信访工作条例 Art 35), e.g. 某某县人民政府."),
    )

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def issuer(self):
        """The issuing organ printed on notices: the name set in 系统管理, else 〈township〉人民政府."""
        return self.petition_organ or f"{self.name}人民政府"

    def counting_from(self, start: datetime.date) -> datetime.date:
        """The first day of a period starting at ``start`` that counts: the go-live date if later."""
        return max(start, self.go_live_on) if self.go_live_on else start


class Village(models.Model):
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["township", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_name")
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    class Kind(models.TextChoices):
        CENTER = "center", _("Petition and stability center")
        JUSTICE = "justice", _("Judicial office")
        POLICE = "police", _("Police station")
        COURT = "court", _("People's tribunal")
        PETITION = "petition", _("Petition office")
        OTHER = "other", _("Other member unit")

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="units", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["township", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="unit_unique_name")]

    def __str__(self):
        return self.name


class EscalationLevel(models.Model):
    """One rung of the seven-level ladder (七级调防员); see docs/domain.md §2.4."""

    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Ranks 1–4 are posts of a village: the holder in the case's village decides (docs/domain.md §2.4).
    is_village_post = models.BooleanField(
        _("a post of the village"), default=False,
        help_text=_("Held in each village (the holder in the case's village decides); otherwise a township post."),
    )

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation ladder")
        ordering = ["rank"]

    def __str__(self):
        return f"{self.rank} · {self.name}"

    def next_level(self):
        """Return the level directly above, or None at the top (no skipping levels)."""
        return EscalationLevel.objects.filter(rank__gt=self.rank).order_by("rank").first()


class Staff(models.Model):
    """A user's place in the office: township, and the unit or village they work for; or, for the county's
    own staff (县级督办, 县级管理员), the county and no township (docs/domain.md §10)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("user")
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("township")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("county"),
        help_text=_("Only for the county's own staff, who work for no township."),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("unit")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("village")
    )
    title = models.CharField(_("job title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    ladder_level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("escalation level"),
        help_text=_("The rung of the escalation ladder this person signs off at, if any."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["township", "user__username"]
        permissions = [
            ("view_personal_data", _("Can see full ID numbers, phones and addresses")),
            ("export_data", _("Can export ledgers and statistics")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(township__isnull=False, county__isnull=True)
                | models.Q(township__isnull=True, county__isnull=False),
                name="staff_township_or_county",
                violation_error_message=_("A staff member works for a township or for a county, not both."),
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return display_name(self.user)

    def clean(self):
        if self.unit_id and self.village_id:
            raise ValidationError(_("A staff member belongs to a unit or to a village, not both."))
        if self.county_id and (self.unit_id or self.village_id):
            raise ValidationError(_("The county's staff belong to no unit or village of a township."))
        if self.unit is not None and self.unit.township_id != self.township_id:
            raise ValidationError({"unit": _("The unit belongs to another township.")})
        if self.village is not None and self.village.township_id != self.township_id:
            raise ValidationError({"village": _("The village belongs to another township.")})


def _township_or_county(model_name):
    return models.CheckConstraint(
        condition=models.Q(township__isnull=False, county__isnull=True)
        | models.Q(township__isnull=True, county__isnull=False),
        name=f"{model_name}_township_or_county",
    )


def one_owner(model_name):
    """A list row of the shared setup (office/setup.py, docs/domain.md §10) has a county or a township as its
    owner, never both; neither: the deployment's standard list, kept by the superuser."""
    return models.CheckConstraint(
        condition=models.Q(township__isnull=True) | models.Q(county__isnull=True),
        name=f"{model_name}_one_owner",
        violation_error_message=_("A list entry belongs to a county or to a township, not both."),
    )


def unique_per_owner(model_name, fields, condition=None):
    """One row per key and owner (the standard list, a county's, a township's): three partial unique
    constraints, since NULL owners are never equal in SQL."""
    owners = [("standard", models.Q(county__isnull=True, township__isnull=True), []),
              ("county", models.Q(county__isnull=False), ["county"]),
              ("township", models.Q(township__isnull=False), ["township"])]
    return [
        models.UniqueConstraint(
            fields=[*owner_fields, *fields], condition=owned & condition if condition is not None else owned,
            name=f"{model_name}_unique_{suffix}",
            violation_error_message=_("This list already has an entry of that name."),
        )
        for suffix, owned, owner_fields in owners
    ]


def owner_county():
    return models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("county"),
        help_text=_("A county's entry: every township of the county uses it, unless it has its own of the same name."),
    )


def owner_township():
    return models.ForeignKey(
        Township, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("township"),
        help_text=_("A township's own entry: adds to the county's list, or replaces the county's entry of the same name."),
    )


def inherited_setup(model, township, defaults):
    """The one rule of inherited setup (docs/domain.md §10): the township's own row of a per-township
    setup model (time limits, targets) if it has one, else its county's, else — created on first use
    with ``defaults`` — the county's for a township of a county and the township's own for one on its own.

    A township overrides its county by having a row of its own (系统管理); deleting it inherits again.
    Kept on the township object, so one request asks the database once. Rows loaded with the township
    (``select_related("time_limits", "county__time_limits")``, as office/auth.py and the county's roll-up
    do) are read without a query, including the knowledge that the township has no row of its own; a
    county row created here is kept on the county object, which the roll-up shares between its townships.
    """
    cache = f"_inherited_{model._meta.model_name}"
    row = getattr(township, cache, None)
    if row is not None:
        return row
    loaded = township._state.fields_cache
    accessor = model._meta.get_field("township").remote_field.get_accessor_name()
    # The township's own row joined with the signed-in user's profile (office/auth.py): no query.
    row = loaded.get(accessor)
    if row is None and accessor not in loaded:
        row = model.objects.filter(township=township).first()
    if row is None and township.county_id is not None:
        county = loaded.get("county")
        county_loaded = county._state.fields_cache if county is not None else {}
        county_accessor = model._meta.get_field("county").remote_field.get_accessor_name()
        row = county_loaded.get(county_accessor)
        if row is None:
            row, _created = model.objects.get_or_create(county_id=township.county_id, defaults=defaults)
            county_loaded[county_accessor] = row
    elif row is None:
        row, _created = model.objects.get_or_create(township=township, defaults=defaults)
    setattr(township, cache, row)
    return row


class TimeLimits(models.Model):
    """The legal time limits of one township; defaults are 信访工作条例 Art 22, 23, 34, 35, 36."""

    township = models.OneToOneField(
        Township, on_delete=models.CASCADE, null=True, blank=True, related_name="time_limits",
        verbose_name=_("township"),
    )
    county = models.OneToOneField(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="time_limits", verbose_name=_("county"),
        help_text=_("The county's limits, used by each of its townships that has none of its own."),
    )
    # Art 22: decide and notify within 15 days of receipt.
    decision_days = models.PositiveSmallIntegerField(_("decision (days from receipt)"), default=15)
    # Art 23: a unit that is not competent returns the case within 5 working days.
    unit_return_working_days = models.PositiveSmallIntegerField(
        _("unit return (working days from its receipt)"), default=5
    )
    # Art 34: handle and serve the written reply within 60 days of acceptance.
    handling_days = models.PositiveSmallIntegerField(_("handling (days from acceptance)"), default=60)
    # Art 34: one extension of up to 30 days.
    extension_max_days = models.PositiveSmallIntegerField(_("extension (at most, days)"), default=30)
    # Art 35: review may be requested within 30 days of receiving the reply.
    review_request_days = models.PositiveSmallIntegerField(_("review request (days from reply)"), default=30)
    evaluation_window_days = models.PositiveSmallIntegerField(
        _("petitioner's opinion window (days from reply)"), default=30
    )
    return_visit_class1_months = models.PositiveSmallIntegerField(_("return visit, class 1 (months)"), default=1)
    return_visit_class2_months = models.PositiveSmallIntegerField(_("return visit, class 2 (months)"), default=3)
    return_visit_class3_months = models.PositiveSmallIntegerField(_("return visit, class 3 (months)"), default=6)
    mediation_days = models.PositiveSmallIntegerField(_("mediation (days from registration)"), default=30)
    # 人民调解法 Art 33: judicial confirmation applied for within 30 days of effect.
    judicial_confirmation_days = models.PositiveSmallIntegerField(
        _("judicial confirmation (days from effect)"), default=30
    )
    due_soon_days = models.PositiveSmallIntegerField(_("'due soon' warning (days)"), default=3)

    class Meta:
        verbose_name = _("time limits")
        verbose_name_plural = _("time limits")
        constraints = [_township_or_county("timelimits")]

    def __str__(self):
        return str(_("Time limits of %(township)s") % {"township": self.township or self.county})

    @classmethod
    def for_township(cls, township):
        """Return the limits in force in the township: its own, else its county's (docs/domain.md §10)."""
        return inherited_setup(cls, township, {})


def _percent(label):
    return models.DecimalField(
        label, max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("In per cent; empty for no target."),
    )


class Targets(models.Model):
    """The targets a township's figures are judged against (docs/domain.md §4), editable per township.

    Defaults are the work plan's: 参调率 and 调解成功率 ≥ 98 %, 满意率 ≥ 96 %, 及时受理率 and
    按期办结率 100 %. An empty target means the figure has none.
    """

    township = models.OneToOneField(
        Township, on_delete=models.CASCADE, null=True, blank=True, related_name="targets", verbose_name=_("township")
    )
    county = models.OneToOneField(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="targets", verbose_name=_("county"),
        help_text=_("The county's targets, used by each of its townships that has none of its own."),
    )
    timely_decision = _percent(_("timely decision rate (及时受理率)"))
    on_time_reply = _percent(_("on-time reply rate (按期办结率)"))
    evaluation = _percent(_("evaluation rate (参评率)"))
    satisfaction = _percent(_("petition satisfaction rate (满意率)"))
    return_visit = _percent(_("return visit rate (回访率)"))
    participation = _percent(_("mediation participation rate (参调率)"))
    mediation_success = _percent(_("mediation success rate (调解成功率)"))
    mediation_satisfaction = _percent(_("mediation satisfaction rate (满意率)"))
    resolution = _percent(_("resolution rate (化解率)"))

    DEFAULTS = {
        "timely_decision": Decimal(100),
        "on_time_reply": Decimal(100),
        "satisfaction": Decimal(96),
        "participation": Decimal(98),
        "mediation_success": Decimal(98),
        "mediation_satisfaction": Decimal(96),
    }
    FIELDS = ["timely_decision", "on_time_reply", "evaluation", "satisfaction", "return_visit", "participation",
              "mediation_success", "mediation_satisfaction", "resolution"]

    class Meta:
        verbose_name = _("targets")
        verbose_name_plural = _("targets")
        constraints = [_township_or_county("targets")]

    def __str__(self):
        return str(_("Targets of %(township)s") % {"township": self.township or self.county})

    @classmethod
    def for_township(cls, township):
        """Return the targets in force in the township: its own, else its county's (docs/domain.md §10)."""
        return inherited_setup(cls, township, cls.DEFAULTS)

    def for_figure(self, key):
        """The target of one figure by its key, or None."""
        return getattr(self, key) if key in self.FIELDS else None


class CalendarOverride(models.Model):
    """A date the holiday package gets wrong or does not know (e.g. next year's 调休), for the whole deployment
    (no owner), a county or one township: the township's wins over the county's, which wins over the
    deployment's (office/setup.py, docs/domain.md §10)."""

    county = owner_county()
    township = owner_township()
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [one_owner("calendaroverride"), *unique_per_owner("calendaroverride", ["date"])]

    def __str__(self):
        kind = _("working day") if self.is_working_day else _("rest day")
        return f"{self.date:%Y-%m-%d} {kind}"

    @property
    def list_key(self):
        return self.date


class CalendarYear(models.Model):
    """A year whose official holiday schedule has been entered as overrides (docs/domain.md §2.2), for the
    deployment, a county or a township (as the overrides).

    For a year the holiday package does not know, dates are provisional until this row exists.
    """

    county = owner_county()
    township = owner_township()
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(
        _("note"), max_length=200, blank=True,
        help_text=_("E.g. the State Council notice the holidays and make-up working days were taken from."),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("official holiday schedule entered")
        verbose_name_plural = _("official holiday schedules entered")
        ordering = ["-year"]
        constraints = [one_owner("calendaryear"), *unique_per_owner("calendaryear", ["year"])]

    def __str__(self):
        return str(self.year)

    @property
    def list_key(self):
        return self.year


class AccessLog(models.Model):
    """Who opened full personal data or exported a file, when, and what (docs/domain.md §5)."""

    class Action(models.TextChoices):
        SHOW_PERSONAL = "show_personal", _("Showed personal data")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded a file")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target = models.CharField(_("what"), max_length=200)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.target}"


class Person(models.Model):
    """A petitioner or a party to a dispute: one record however many cases they bring.

    Kept in ``office`` so that petitions and disputes both link to it without disputes
    reaching into petitions' internals (docs/architecture.md §1: imports point downward only).
    """

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="people", verbose_name=_("township")
    )
    name = models.CharField(_("full name"), max_length=40, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, db_index=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("village")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "id_number"],
                condition=~models.Q(id_number=""),
                name="person_unique_id_number",
                violation_error_message=_("A person with this ID number is already on file."),
            )
        ]
        indexes = [models.Index(fields=["township", "village", "name"], name="person_village_name")]

    def __str__(self):
        return self.name

    def clean(self):
        self.id_number = normalise_id_number(self.id_number)
        self.phone = normalise_phone(self.phone)
        if self.id_number and not self.birth_date:
            try:
                self.birth_date = ric.get_birth_date(self.id_number)
            except Exception:  # an invalid number is reported by its validator
                pass
        if self.id_number and not self.sex:
            # GB 11643: the ID number implies the sex; a typed sex that differs is kept (the form asks).
            self.sex = sex_from_id_number(self.id_number)
        if self.village is not None and self.village.township_id != self.township_id:
            raise ValidationError({"village": _("The village belongs to another township.")})


def document_path(instance, filename):
    return f"documents/{instance.issued_at:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}.pdf"


class IssuedDocument(models.Model):
    """A legal document as issued: stored once with its sha256, served from storage, never re-rendered.

    A correction issues a new version that supersedes the old one; the old one stays.
    """

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="documents", verbose_name=_("township"))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path)
    sha256 = models.CharField(_("sha256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    # 文号 from a per-township, per-kind, per-year gap-free counter (office/documents.py).
    number = models.CharField(_("document number"), max_length=40, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["issued_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="document_target")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class DocumentSeries(models.Model):
    """The prefix of one kind of document's numbers in a township (文号, e.g. 青信受〔2026〕12号).

    Set in 系统管理; a kind without a row uses ``office.documents.DEFAULT_PREFIXES``.
    """

    class Kind(models.TextChoices):
        # The numbered kinds (office/documents.py DEFAULT_PREFIXES has a default prefix for each).
        ACCEPTANCE = "acceptance_notice", _("Acceptance notice (受理告知书)")
        NON_ACCEPTANCE = "non_acceptance_notice", _("Non-acceptance notice (不予受理告知书)")
        FORWARD = "forward_notice", _("Forwarding notice (转送告知书)")
        EXTENSION = "extension_notice", _("Extension notice (延期办理告知书)")
        REPLY = "reply", _("Written reply (信访事项处理意见书)")
        REPORT_BACK = "report_back", _("Report to the assigning organ (信访事项办理情况报告)")

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="document_series", verbose_name=_("township"))
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    prefix = models.CharField(_("prefix"), max_length=20, help_text=_("E.g. 青信受 gives 青信受〔2026〕12号."))

    class Meta:
        verbose_name = _("document number prefix")
        verbose_name_plural = _("document number prefixes")
        ordering = ["township", "kind"]
        constraints = [models.UniqueConstraint(fields=["township", "kind"], name="document_series_unique")]

    def __str__(self):
        return f"{self.kind}: {self.prefix}"


class Notification(models.Model):
    """An in-app message: a case needs this person (fed by workflows, reminders and escalations)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Reminders use a key so that running them twice a day sends nothing twice.
    key = models.CharField(max_length=120, blank=True, db_index=True)
    # A message about a task (sign this, decide this, redo this) names the task; it is done when the
    # task is done, by whoever did it (office/notify.py). An empty task: a message for information.
    task = models.CharField(_("task"), max_length=120, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The daily digest's lines (reports/reminders.py): one message per person per day, updated in place.
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text

    @property
    def is_task(self):
        return bool(self.task)

    @property
    def is_open_task(self):
        return bool(self.task) and self.done_at is None

# The counter of document numbers is built on office.numbering.CounterBase, which imports this
# module; importing it here registers the model with the app.
from .numbering import DocumentCounter  # noqa: E402,F401


class AccountChange(models.Model):
    """A change to who a login is: its roles, whether it is active, superuser, a lockout lifted, a
    password set by an administrator (docs/domain.md §8). Written by ``office/accounts.py`` whatever made the change; never edited."""

    class Kind(models.TextChoices):
        ROLES = "roles", _("Roles")
        ACTIVE = "active", _("Active")
        SUPERUSER = "superuser", _("Superuser")
        UNLOCKED = "unlocked", _("Login lockout lifted")
        PASSWORD = "password", _("Password set by an administrator")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_changes", verbose_name=_("account")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"),
    )
    kind = models.CharField(_("what changed"), max_length=20, choices=Kind.choices)
    before = models.CharField(_("before"), max_length=300, blank=True)
    after = models.CharField(_("after"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_kind_display()}: {self.shown_before} → {self.shown_after}"

    @staticmethod
    def _shown(value):
        return {"true": _("yes"), "false": _("no")}.get(value, value)

    @property
    def shown_before(self):
        return self._shown(self.before)

    @property
    def shown_after(self):
        return self._shown(self.after)
