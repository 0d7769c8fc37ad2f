"""Petition cases (信访事项): intake, the case file and its timeline."""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from office.casekit import CaseEventBase
from office.followup import CaseClass, EscalationBase, ReturnVisitBase
from office.models import (
    EscalationLevel,
    Person,
    Township,
    Unit,
    Village,
    one_owner,
    owner_county,
    owner_township,
    unique_per_owner,
)
from office.numbering import CounterBase
from office.pagination import sort_key


class ContentCategory(models.Model):
    """Admin-editable list of what petitions are about (内容分类): the deployment's standard list, a county's
    and a township's own, merged by name for each township (office/setup.py, docs/domain.md §10)."""

    county = owner_county()
    township = owner_township()
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Inactive: not offered for new cases. A township's inactive entry hides the county's of the same name."),
    )

    class Meta:
        verbose_name = _("content category")
        verbose_name_plural = _("content categories")
        ordering = ["sort_order", "name"]
        constraints = [one_owner("contentcategory"), *unique_per_owner("contentcategory", ["name"])]

    def __str__(self):
        return self.name

    LIST_KEY_FIELDS = ("name",)  # office/setup.py in_force

    @property
    def list_key(self):
        return self.name


class PetitionCounter(CounterBase):
    """Last number issued per township and year (office.numbering.next_number locks it)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="petition_counter_unique")]


# Petition.OPEN_STATUSES as plain values, for the partial index in Petition.Meta (a nested class cannot
# read the class body); tests/petitions/test_queries.py checks the two agree.
OPEN_STATUSES_FOR_INDEX = ["registered", "decision_review", "accepted", "assigned", "in_progress", "reply_review",
                           "reply_approved", "replied", "evaluated", "visited"]


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
        DECISION_REVIEW = "decision_review", _("Decision awaiting sign-off")
        ACCEPTED = "accepted", _("Accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        FORWARDED = "forwarded", _("Forwarded")
        ASSIGNED = "assigned", _("Assigned to a unit")
        IN_PROGRESS = "in_progress", _("In progress")
        REPLY_REVIEW = "reply_review", _("Reply awaiting sign-off")
        REPLY_APPROVED = "reply_approved", _("Reply signed off, to be served")
        REPLIED = "replied", _("Replied")
        EVALUATED = "evaluated", _("Opinion recorded")
        VISITED = "visited", _("Return visit done")
        ARCHIVED = "archived", _("Archived")

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        NOT_ACCEPT = "not_accept", _("Do not accept")
        FORWARD = "forward", _("Forward to the competent organ")

    class Opinion(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        NONE = "none", _("No opinion within the window")

    class ServeMethod(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("By post")
        ONLINE = "online", _("Online")

    class ReportMethod(models.TextChoices):
        SYSTEM = "system", _("Through the petition information system")
        DOCUMENT = "document", _("Written report delivered")
        FAX = "fax", _("By fax")

    PURPOSE_CLASS = {
        Purpose.SEEK_SOLUTION: StatutoryClass.CLAIM,
        Purpose.APPEAL: StatutoryClass.CLAIM,
        Purpose.REPORT: StatutoryClass.REPORT,
        Purpose.SUGGESTION: StatutoryClass.SUGGESTION,
        Purpose.CONSULT: StatutoryClass.SUGGESTION,
        Purpose.OTHER: StatutoryClass.CLAIM,
    }
    # Cases still being worked on: they count for deadlines, queues and the repeat flag.
    OPEN_STATUSES = [
        Status.REGISTERED, Status.DECISION_REVIEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS,
        Status.REPLY_REVIEW, Status.REPLY_APPROVED, Status.REPLIED, Status.EVALUATED, Status.VISITED,
    ]
    # Before the written reply is served: what the 60-day handling limit covers.
    HANDLING_STATUSES = [
        Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REPLY_REVIEW, Status.REPLY_APPROVED,
    ]
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
    complained_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("village committee complained about"),
    )
    complained_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="complaints_against",
        verbose_name=_("staff complained about"),
        help_text=_("Named staff the case is about: they never see it, handle it or hear of it (信访工作条例 Art 46)."),
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
    # An imported case (docs/domain.md §9): its deadlines count from this day, not from before the system
    # was in use (office/adoption.py). Empty for a case recorded in the system.
    counts_from = models.DateField(_("deadlines count from"), null=True, blank=True, editable=False)
    # Decision (Art 22): proposed by the clerk or coordinator, signed off by a leader.
    proposed_decision = models.CharField(_("proposed decision"), max_length=12, choices=Decision.choices, blank=True)
    proposal_note = models.TextField(_("reasons"), blank=True)
    lawful_channel = models.CharField(
        _("lawful channel"), max_length=200, blank=True,
        help_text=_("For a case not accepted: where the petitioner should turn (litigation, arbitration, administrative review …)."),
    )
    forward_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decision signed off by"),
    )
    case_class = models.PositiveSmallIntegerField(
        _("case class"), choices=CaseClass.choices, default=CaseClass.TWO,
        help_text=_("Drives the return visit: class 1 within 1 month, class 2 within 3, class 3 within 6 of the reply."),
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # The statutory limit (Art 34: 60 days, plus an approved extension) and the one that counts:
    # the earlier of it and the deadline of the organ that assigned or forwarded the case
    # (set together by ``set_handling_due``; docs/domain.md §2.2).
    legal_due_on = models.DateField(_("statutory handling limit"), null=True, blank=True)
    handling_due_on = models.DateField(_("handling due"), null=True, blank=True)
    # Referral to a unit or village (交办) with the leader's instruction (批示).
    instruction = models.TextField(_("leader's instruction"), blank=True)
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="led_petitions",
        verbose_name=_("leader in charge (包案领导)"),
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    return_due_on = models.DateField(_("return due"), null=True, blank=True)
    unit_due_on = models.DateField(_("unit deadline"), null=True, blank=True)
    signed_on = models.DateField(_("signed for on"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply_method = models.CharField(_("served"), max_length=10, choices=ServeMethod.choices, blank=True)
    evaluation_due_on = models.DateField(_("opinion due"), null=True, blank=True)
    opinion = models.CharField(_("petitioner's opinion"), max_length=15, choices=Opinion.choices, blank=True)
    opinion_on = models.DateField(_("opinion on"), null=True, blank=True)
    review_due_on = models.DateField(_("review request due"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    # The result reported back to the organ that assigned the case (上报办理结果, Art 22 ¶1 (三)).
    reported_on = models.DateField(_("result reported on"), null=True, blank=True)
    report_method = models.CharField(_("reported by way of"), max_length=10, choices=ReportMethod.choices, blank=True)
    report_summary = models.TextField(_("what was reported"), blank=True)
    ladder_level = models.ForeignKey(
        EscalationLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("escalation level"),
    )
    is_major = models.BooleanField(
        _("major or urgent"), default=False,
        help_text=_("Major or urgent matter to be reported at once (信访工作条例 Art 25)."),
    )
    major_flagged_at = models.DateTimeField(_("marked major or urgent at"), null=True, blank=True)
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
            # The list's default order and its sort by due date, each with the id as tie-breaker, so a
            # keyset page anywhere in the list is an index range scan (docs/architecture.md, "Search and
            # deep pages"). A closed case has no due date: the lists sort it as the latest (sort_key).
            models.Index(fields=["township", "-received_on", "-sequence", "-id"], name="petition_received_seq"),
            models.Index(F("township"), sort_key("due_on"), F("id"), name="petition_due_key"),
            # A state filter sorted by due date (在办 by due date).
            models.Index(F("township"), F("status"), sort_key("due_on"), F("id"), name="petition_status_due_key"),
            # Every work queue, the overdue and due-soon lists and the menu's counts read only open cases:
            # a partial index holds just those, so a count never walks the closed majority.
            models.Index(fields=["township", "due_on", "received_on", "id"], name="petition_open_due",
                         condition=Q(status__in=OPEN_STATUSES_FOR_INDEX)),
            # The queues' order (due date, received, id), for their keyset pages.
            models.Index(F("township"), sort_key("due_on"), F("received_on"), F("id"), name="petition_open_due_key",
                         condition=Q(status__in=OPEN_STATUSES_FOR_INDEX)),
            # The queues of one state in the order received (待提出受理意见, 退回重拟: selectors.QUEUE_ORDER): without it
            # PostgreSQL walked the received-date index from the oldest case, through the closed majority, to
            # the few registered ones (105 → 1 ms at 100,000 cases, bench/README.md).
            models.Index(fields=["township", "status", "received_on", "sequence", "id"], name="petition_status_received",
                         condition=Q(status__in=OPEN_STATUSES_FOR_INDEX)),
            # The menu's counts of the township's staff (reports/queues.py) read every column they test from
            # this one (PostgreSQL: an index-only scan of the open cases): 96–166 ms → 26–57 ms at 1M.
            models.Index(fields=["township"], name="petition_open_menu", condition=Q(status__in=OPEN_STATUSES_FOR_INDEX),
                         include=["status", "due_on", "counts_from", "return_count", "confidential", "registered_by",
                                  "handler", "id"]),
            models.Index(fields=["assigned_unit", "status"], name="petition_unit_status"),
            # The county's roll-up (reports/county.py): each of its grouped statements reads its rows through one
            # of these (or the two above), never every case of the county.
            # Its open, overdue and due-soon counts from this index alone (an index-only scan: the status and the
            # confidential flag the county may not see are in it).
            models.Index(fields=["township", "due_on", "status", "confidential", "id"], name="petition_open_counts",
                         condition=Q(status__in=OPEN_STATUSES_FOR_INDEX)),
            # The roll-up and the dashboard's figures and on-time chart read the period's (or the twelve months')
            # cases by the date their reply fell due or was served: a range on these, never the township's history
            # (reports/figures.py petition_period_rows; the intake by received_on uses petition_received_seq).
            models.Index(fields=["township", "handling_due_on", "replied_on"], name="petition_handling_due"),
            models.Index(fields=["township", "replied_on"], name="petition_replied"),
            # The cases received in a period with every column the figures of intake test (及时受理率, 重复信访率):
            # the roll-up and the dashboard count them from the index alone (PostgreSQL: an index-only scan;
            # SQLite has no covering indexes and skips it). At 1M, a county's month: 255 → 41 ms.
            models.Index(fields=["township", "received_on"], name="petition_received_cover",
                         include=["decided_on", "decision_due_on", "is_repeat", "confidential", "id"]),
            models.Index(fields=["township"], name="petition_major", condition=Q(is_major=True)),
            models.Index(fields=["township", "source_deadline"], name="petition_not_reported",
                         condition=Q(reported_on__isnull=True) & ~Q(source="direct")),
            # The few confidential cases (Art 30), which mediation's visibility checks against the petition's.
            models.Index(fields=["township"], name="petition_confidential", condition=Q(confidential=True)),
        ]
        permissions = [
            ("register_petition", _("Can register petitions")),
            ("decide_petition", _("Can sign off decisions, extensions, replies and reopenings")),
            ("supervise_petition", _("Can route and supervise petitions")),
            ("handle_petition", _("Can handle petitions referred to the unit")),
            ("process_petition", _("Can propose decisions, serve replies, record opinions and archive petitions")),
            ("follow_up_petition", _("Can request extensions and record return visits for petitions")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def statutory_class(self):
        return self.PURPOSE_CLASS[self.purpose]

    def get_statutory_class_display(self):
        return self.StatutoryClass(self.statutory_class).label

    @property
    def organ_deadline(self):
        """The deadline set by the organ that assigned or forwarded the case (交办 / 转送), if any."""
        return self.source_deadline if self.source != self.Source.DIRECT else None

    def capped_by_organ(self, day):
        """The due-date rule (docs/domain.md §2.2): the earlier of a legal limit and the organ's deadline.

        Every deadline of the case that the organ's deadline covers goes through here: the decision,
        the handling limit and the report-back to that organ. ``refresh_due`` and
        ``set_handling_due`` are its only callers, and queues, reminders, badges and figures read
        the columns they set.
        """
        organ = self.organ_deadline
        if day is None:
            return organ
        return min(day, organ) if organ else day

    def set_handling_due(self, legal):
        """Store the statutory handling limit and the handling due date that follows from it."""
        self.legal_due_on = legal
        self.handling_due_on = self.capped_by_organ(legal)

    # 信访工作条例 Art 35, first sentence, quoted exactly.
    ART_35 = "信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关、单位的上一级机关、单位复查。"

    @property
    def review_right_text(self):
        """The review right printed on every written reply and shown with a dissatisfied opinion (fixed text)."""
        organ = self.township.review_organ
        text = f"依照《信访工作条例》第三十五条：“{self.ART_35}”"
        if organ:
            text += f"本机关的上一级机关为{organ}。"
        return text

    @property
    def needs_report_back(self):
        """A case assigned by a higher organ (交办) reports its result back before it is archived."""
        return self.source == self.Source.ASSIGNED

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED

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


class CaseEvent(CaseEventBase):
    """The append-only, readable timeline of a case: who did what, when, from which state to which."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        EDITED = "edited", _("Registration details edited")
        ATTACHED = "attached", _("Attachment added")
        PROPOSE_DECISION = "propose_decision", _("Decision proposed")
        APPROVE_DECISION = "approve_decision", _("Decision signed off")
        REJECT_DECISION = "reject_decision", _("Decision sent back")
        ASSIGN = "assign", _("Assigned with instruction")
        SIGN_FOR = "sign_for", _("Signed for by the unit")
        RETURN_REFERRAL = "return_referral", _("Returned by the unit")
        ADD_NOTE = "add_note", _("Progress note")
        SUPERVISE = "supervise", _("Supervision")
        SUPERVISION_RESULT = "supervision_result", _("Supervision result")
        REQUEST_EXTENSION = "request_extension", _("Extension requested")
        APPROVE_EXTENSION = "approve_extension", _("Extension approved")
        REJECT_EXTENSION = "reject_extension", _("Extension refused")
        SUBMIT_REPLY = "submit_reply", _("Reply drafted")
        APPROVE_REPLY = "approve_reply", _("Reply signed off")
        REJECT_REPLY = "reject_reply", _("Reply sent back")
        SERVE_REPLY = "serve_reply", _("Reply served")
        RECORD_OPINION = "record_opinion", _("Opinion recorded")
        CLOSE_EVALUATION = "close_evaluation", _("Opinion window closed")
        RECORD_RETURN_VISIT = "record_return_visit", _("Return visit")
        ARCHIVE = "archive", _("Archived")
        REOPEN = "reopen", _("Reopened")
        RAISE_ESCALATION = "raise_escalation", _("Escalation requested")
        APPROVE_ESCALATION = "approve_escalation", _("Escalation approved")
        REJECT_ESCALATION = "reject_escalation", _("Escalation refused")
        MEDIATION_OUTCOME = "mediation_outcome", _("Outcome of the mediation")
        REPORT_BACK = "report_back", _("Result reported to the assigning organ")
        MARK_MAJOR = "mark_major", _("Marked major or urgent")
        REPORT_MAJOR = "report_major", _("Major or urgent matter reported")
        IMPORTED = "imported", _("Imported from a ledger")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Petition.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Petition.Status.choices, blank=True)

    class Meta(CaseEventBase.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            # 退回重办 (petitions/selectors.py _sent_back): the few decisions sent back, read without the events table.
            models.Index(fields=["petition"], name="caseevent_sent_back", condition=Q(action="reject_decision")),
        ]


class Reply(models.Model):
    """The written reply (信访事项处理意见书, Art 32–34): drafted by the handler, signed off by a leader."""

    class Finding(models.TextChoices):
        SUPPORT = "support", _("Request supported")
        EXPLAIN = "explain", _("Explanation given")
        NOT_SUPPORT = "not_support", _("Request not supported")

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="reply")
    request_summary = models.TextField(_("the request"))
    facts = models.TextField(_("facts and reasons found"))
    finding = models.CharField(_("opinion"), max_length=12, choices=Finding.choices)
    legal_basis = models.TextField(_("legal basis"))
    # The review right itself is fixed text (Petition.review_right_text); this is only an addition.
    review_note = models.TextField(
        _("additional note"), blank=True,
        help_text=_("Optional. Printed below the statutory review right, which it cannot replace."),
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by"))
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signed off by"),
    )
    approved_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("written reply")
        verbose_name_plural = _("written replies")


class Extension(models.Model):
    """One extension of the handling limit (Art 34: once, at most 30 days, approved by a leader)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting sign-off")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Refused")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    old_due_on = models.DateField(_("old due date"))
    new_due_on = models.DateField(_("new due date"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["requested_at", "pk"]
        # The sign-off queue reads the few extensions awaiting a leader (petitions/selectors.py _pending_extension).
        indexes = [models.Index(fields=["petition"], name="extension_pending", condition=Q(state="pending"))]


class Supervision(models.Model):
    """A reminder or supervision record (催办 / 督办 / 挂牌督办) on an open case."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder (催办)")
        SUPERVISION = "supervision", _("Supervision (督办)")
        POSTED = "posted", _("Posted supervision (挂牌督办)")

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("note"))
    new_deadline = models.DateField(_("new deadline for the unit"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    result = models.TextField(_("result"), blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("result by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["created_at", "pk"]


class ReturnVisit(ReturnVisitBase):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="return_visits")
    history = HistoricalRecords()

    class Meta(ReturnVisitBase.Meta):
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        # The dashboard's return-visit rate reads the period's visits by due date, each then checked
        # against the visible cases (reports/figures.py return_visit_row).
        indexes = [models.Index(fields=["due_on", "petition"], name="returnvisit_due")]


class EscalationRequest(EscalationBase):
    """A request to raise a petition one level on the ladder."""

    CASE_FIELD, CASE_URL = "petition", "petitions:detail"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="escalations")
    is_major = models.BooleanField(_("major or urgent"), default=False)
    history = HistoricalRecords()

    class Meta(EscalationBase.Meta):
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")


class MajorReport(models.Model):
    """The report of a major or urgent matter (重大、紧急, 信访工作条例 Art 25), recorded by a leader.

    Art 25 ¶1: reported to the party committee and government of this level; ¶2: a petition office
    reports it to the petition office one level up.
    """

    class Method(models.TextChoices):
        PHONE = "phone", _("By phone")
        WRITTEN = "written", _("In writing")
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Through the online system")

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="major_report")
    to_government = models.BooleanField(_("to the party committee and government of this level"), default=False)
    to_higher_office = models.BooleanField(_("to the petition office one level up"), default=False)
    reported_at = models.DateTimeField(_("reported at"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    note = models.TextField(_("what was reported"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("major matter report")
        verbose_name_plural = _("major matter reports")

    def __str__(self):
        return f"{self.petition} {self.reported_at:%Y-%m-%d %H:%M}"

    def recipients(self) -> str:
        """Whom it was reported to, in words."""
        names = [str(self._meta.get_field(name).verbose_name)
                 for name in ("to_government", "to_higher_office") if getattr(self, name)]
        return "、".join(names)
