"""Reads: which petitions a user may see, and lookups for intake."""
import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, CharField, Count, DateField, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from office import escalation
from office.adoption import past_due
from office.documents import documents_of
from office.models import EscalationLevel, Person
from office.onequery import attach, fetch_together, one_row
from office.people import matching_people
from office.roles import CLERK, COORDINATOR, COUNTY_READERS, HANDLER, LEADER, county_scope, role_keys

from .models import (
    Attachment,
    CaseEvent,
    EscalationRequest,
    Extension,
    Petition,
    PetitionParty,
    ReturnVisit,
    Supervision,
)


def visible_petitions(user, *, counting=False):
    """Return the petitions the user may see (docs/domain.md §5; issue 3 §6). Anything else is a 404.

    - other townships: never;
    - clerks, coordinators, leaders: their township's cases;
    - unit and village handlers: only cases referred to their unit or village, or to them;
    - confidential cases: only the clerk who registered it, leaders and the assigned handler;
    - the unit, village or staff complained about, and staff who recused themselves: never
      (``never_sees``, applied last, so that no rule that widens the scope can undo it).
    - whoever is asked to decide an escalation of the case (office.escalation.asked): that case, read-only;
    - the county's 县级督办: every township of the county, read-only, never a confidential case
      (docs/domain.md §10), and ``never_sees`` as everyone.

    Who sees which cases follows the post (center, leader, unit or village handler), so this reads
    role names; what a user may do to a case is a model permission (permissions.py). Every other
    read that names a petition (related cases, the intake lookup, figures and their drill-downs,
    exports, notifications, mediation opened from a case) goes through this function.

    ``counting=True``: the same cases, for an aggregate (``never_sees``).
    """
    staff = getattr(user, "staff", None)
    if staff is None or not user.is_active:
        return Petition.objects.none()
    county_id = county_scope(user, *COUNTY_READERS)
    if county_id is not None:
        # Art 46: a report (检举控告) stays with the township's few who must handle it.
        county = Petition.objects.filter(township__county_id=county_id, confidential=False)
        return never_sees(user, county, counting=counting)
    roles = role_keys(user)
    qs = Petition.objects.filter(township_id=staff.township_id)
    # docs/domain.md §2.4: whoever is asked to decide an escalation may open the case (read-only:
    # every move checks its own right), while it is pending and after deciding.
    asked = escalation.asked(user)
    asked_here = Q(pk__in=[]) if asked is None else Exists(
        EscalationRequest.objects.filter(asked, petition=OuterRef("pk")))
    if roles & {CLERK, COORDINATOR, LEADER}:
        scope = Q()
    elif HANDLER in roles:
        scope = Q(handler=user) | asked_here
        if staff.unit_id:
            scope |= Q(assigned_unit_id=staff.unit_id)
        if staff.village_id:
            scope |= Q(assigned_village_id=staff.village_id)
    elif asked is not None:
        scope = asked_here
    else:
        return Petition.objects.none()
    if LEADER in roles:
        confidential_ok = Q()
    else:
        confidential_ok = Q(confidential=False) | Q(registered_by=user) | Q(handler=user) | asked_here
    return never_sees(user, qs.filter(scope).filter(confidential_ok), counting=counting)


def never_sees(user, petitions, *, counting=False):
    """Drop the cases this user may never see, whatever their post: cases about their unit, their
    village committee or themselves (信访工作条例 Art 46: a report never reaches whom it reports on),
    and cases they recused themselves from (Art 28). ``counting``: the rows feed an aggregate (the menu's
    and the dashboard's counts), not a sorted page: the same cases, written for that (below)."""
    staff = getattr(user, "staff", None)
    if staff is not None and staff.unit_id:
        petitions = petitions.exclude(complained_unit_id=staff.unit_id)
    if staff is not None and staff.village_id:
        petitions = petitions.exclude(complained_village_id=staff.village_id)
    if getattr(user, "has_recusals", True) is False and getattr(user, "is_named_in_cases", True) is False:
        # The signed-in user, read with the request (office/auth.py), has no recusal and no case names them:
        # no condition, so no list or count pays an anti-join per case for rows that do not exist.
        return petitions
    recused = Petition.recused.through.objects.filter(user_id=user.pk)
    named = Petition.complained_staff.through.objects.filter(user_id=user.pk)
    if connection.vendor == "postgresql" and not counting:
        # An anti-join, which PostgreSQL estimates from the (few) rows: with NOT IN over a subquery it
        # guessed a quarter of the township and sorted it all for page 200 (463 ms → 76 ms at 1M).
        return petitions.filter(~Exists(recused.filter(petition_id=OuterRef("pk"))),
                                ~Exists(named.filter(petition_id=OuterRef("pk"))))
    # SQLite, and every count: plain NOT IN over the (few) recusals and named staff, read once (a hashed
    # subplan on PostgreSQL); a correlated NOT EXISTS is a nested loop per case, which doubled the time of
    # the dashboard's monthly intake over 43,000 cases (408 → 192 ms, bench/README.md).
    return petitions.exclude(pk__in=recused.values("petition_id")).exclude(pk__in=named.values("petition_id"))


def get_petition_for_user(user, pk):
    """Return one visible petition or raise Http404."""
    return get_object_or_404(visible_petitions(user), pk=pk)


def petition_list(user):
    """Visible petitions with what the list shows, in a constant number of queries."""
    return visible_petitions(user).select_related("category", "village").prefetch_related(
        Prefetch("parties", queryset=PetitionParty.objects.select_related("person").order_by("position", "pk"))
    )


def petition_detail(user, pk):
    """One visible petition with everything its page shows: the case, every list under it, its documents,
    its field history and the ladder, read in one statement (office.onequery.fetch_together; issue 16).
    The lists are read by the case's id and thrown away when the case is not visible (a 404)."""
    from jobs.cases import unfinished

    from .dossier import dossier_jobs

    users = ("requested_by", "decided_by")
    found = fetch_together({
        "petition": visible_petitions(user).filter(pk=pk).select_related(
            "category", "village", "complained_unit", "complained_village", "registered_by", "assigned_unit",
            "assigned_village", "handler", "township", "lead_leader", "decided_by", "ladder_level", "reply",
            "reply__drafted_by", "reply__approved_by"),
        "parties": PetitionParty.objects.filter(petition_id=pk).select_related("person", "person__village"),
        "attachments": Attachment.objects.filter(petition_id=pk).select_related("uploaded_by"),
        "events": CaseEvent.objects.filter(petition_id=pk).select_related("actor"),
        "extensions": Extension.objects.filter(petition_id=pk).select_related(*users),
        "supervisions": Supervision.objects.filter(petition_id=pk).select_related("created_by", "result_by"),
        "escalations": EscalationRequest.objects.filter(petition_id=pk).select_related(
            "from_level", "to_level", *users),
        "return_visits": ReturnVisit.objects.filter(petition_id=pk).select_related("visited_by"),
        # Only the earlier cases the user may open (visible_petitions applies never_sees too).
        "related_cases": visible_petitions(user).filter(later_cases=pk),
        "complained_staff": get_user_model().objects.filter(complaints_against=pk),
        "mediation_cases": Petition._meta.get_field("mediation_cases").related_model.objects.filter(petition_id=pk),
        "documents": documents_of(Petition(pk=pk)),
        "history": Petition.history.model.objects.filter(id=pk).select_related("history_user").order_by(
            "history_date", "history_id"),
        "levels": EscalationLevel.objects.order_by("rank"),
        "dossier_jobs": dossier_jobs(pk),
    })
    if not found["petition"]:
        raise Http404
    petition = found["petition"][0]
    for name in ("parties", "attachments", "events", "related_cases", "complained_staff", "mediation_cases"):
        attach(petition, name, found[name])
    petition.extension_list = found["extensions"]
    petition.supervision_list = found["supervisions"]
    petition.escalation_list = found["escalations"]
    petition.visit_list = found["return_visits"]
    petition.pending_extensions = [e for e in petition.extension_list if e.state == Extension.State.PENDING]
    petition.has_extension = any(e.state != Extension.State.REJECTED for e in petition.extension_list)
    petition.open_supervisions = [s for s in petition.supervision_list if s.result_at is None]
    petition.pending_escalations = [e for e in petition.escalation_list if e.state == EscalationRequest.State.PENDING]
    petition.document_list = found["documents"]
    petition.history_records = found["history"]
    petition.ladder_levels = found["levels"]
    # The archived case's dossier job while unfinished or failed.
    petition.dossier_job = (unfinished(found["dossier_jobs"], user)
                            if petition.status == Petition.Status.ARCHIVED else None)
    return petition


def earlier_cases(user, people):
    """Return the visible earlier cases of these people, newest first."""
    ids = [p.pk for p in people]
    if not ids:
        return Petition.objects.none()
    has_party = PetitionParty.objects.filter(petition=OuterRef("pk"), person_id__in=ids)
    return visible_petitions(user).filter(Exists(has_party)).order_by("-received_on")[:20]


def open_cases_of(user, people):
    """Return the open cases of these people that ``user`` may see: what a new case is linked to.

    Only visible cases: a clerk never learns of, or links to, a case they may not open.
    """
    ids = [p.pk for p in people]
    has_party = PetitionParty.objects.filter(petition=OuterRef("pk"), person_id__in=ids)
    return visible_petitions(user).filter(Exists(has_party), status__in=Petition.OPEN_STATUSES)


def repeat_of(cases):
    """The earlier cases that make a new case a repeat (重复信访) and are named on its timeline.

    The flag and the note are read by everyone who may see the new case, so a confidential case
    never counts: it stays a link, listed only to those who may open it (docs/domain.md §5).
    """
    return [case for case in cases if not case.confidential]


def lookup_people(user, *, id_number="", phone="", name="", village_id=None):
    """The intake lookup: people who may be this person, among those the user may see — parties to
    a case the user may open, or people no petition names (known from the ledger or mediation)."""
    staff = user.staff
    visible_party = PetitionParty.objects.filter(person=OuterRef("pk"), petition__in=visible_petitions(user))
    any_party = PetitionParty.objects.filter(person=OuterRef("pk"))
    among = Person.objects.filter(Exists(visible_party) | ~Exists(any_party))
    return matching_people(staff.township, id_number=id_number, phone=phone, name=name, village_id=village_id,
                           among=among)


# The three conditions below are ``pk IN (the few rows waiting)`` rather than a correlated EXISTS: inside an
# OR (the sign-off queue) EXISTS is run once per case, while IN reads the waiting rows once (a hashed
# subplan on PostgreSQL) — 630 ms against a few ms at a million cases (bench/README.md, issue 16).

def _pending_escalation_to(user):
    """Open cases with an escalation waiting for this user's decision (the ladder's one rule, docs/domain.md §2.4)."""
    condition = escalation.asked(user)
    if condition is None:
        return Q(pk__in=[])
    return Q(pk__in=EscalationRequest.objects.filter(condition, state=EscalationRequest.State.PENDING)
             .values("petition_id"))


def _pending_extension():
    return Q(pk__in=Extension.objects.filter(state=Extension.State.PENDING).values("petition_id"))


def _sent_back():
    """A registered case whose proposed decision a leader sent back (退回重办)."""
    return Q(pk__in=CaseEvent.objects.filter(action=CaseEvent.Action.REJECT_DECISION).values("petition_id"))


def _clerk_only(user):
    """A 登记员 who is not also in the office or a leader: her own cases are what she answers for."""
    roles = role_keys(user)
    return CLERK in roles and not roles & {COORDINATOR, LEADER}


def queue_conditions(user, today, soon_days):
    """The work queues (issue 4 §2, issue 12 §1) as conditions on visible petitions, keyed by their URL slug."""
    S = Petition.Status
    open_ = Q(status__in=Petition.OPEN_STATUSES)
    if _clerk_only(user):
        open_ &= Q(registered_by=user)
    pending_escalation_to_me = _pending_escalation_to(user)
    sent_back = _sent_back()
    return {
        "to-decide": Q(status=S.REGISTERED) & ~sent_back,
        "sent-back": Q(status=S.REGISTERED) & sent_back,
        "awaiting-decision": Q(status__in=[S.REGISTERED, S.DECISION_REVIEW]),
        "overdue": open_ & past_due("due_on", today),
        "due-soon": open_ & Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=soon_days)),
        "returned": Q(status=S.ACCEPTED, return_count__gt=0),
        "reply-signoff": Q(status=S.REPLY_REVIEW),
        "opinions": Q(status=S.REPLIED),
        "visits-due": Q(status=S.EVALUATED, due_on__lte=today + datetime.timedelta(days=soon_days)),
        "sign-offs": (Q(status__in=[S.DECISION_REVIEW, S.REPLY_REVIEW])
                      | (Q(status__in=Petition.OPEN_STATUSES) & (_pending_extension() | pending_escalation_to_me))),
        "referred": Q(status__in=[S.ASSIGNED, S.IN_PROGRESS]),
    }


QUEUE_LABELS = {
    "to-decide": pgettext_lazy("queue", "Decision to propose"),
    "sent-back": pgettext_lazy("queue", "Sent back to decide again"),
    "awaiting-decision": _("Awaiting decision"),
    "overdue": _("Overdue"),
    "due-soon": _("Due within 3 days"),
    "returned": _("Returned by units"),
    "reply-signoff": _("Replies awaiting sign-off"),
    "opinions": _("Opinions pending"),
    "visits-due": _("Return visits due"),
    "sign-offs": _("Awaiting my sign-off"),
    "referred": _("Referred to my unit"),
}

# How each queue is sorted: the clerk's decisions oldest first, a leader's sign-offs by the deadline of
# the decision asked of them, everything else by the case's due date.
QUEUE_ORDER = {
    "to-decide": ("received_on", "sequence", "pk"),
    "sent-back": ("received_on", "sequence", "pk"),
    "sign-offs": ("awaits_due", "received_on", "pk"),
}

# What a case waits for, and the date that decision is due (issue 12 §1): a leader's queue says
# 受理意见待批 / 延期申请待批 / 答复待审签 / 提级待决定, not the case's state.
AWAITS_LABELS = {
    "propose": pgettext_lazy("awaits", "Decision to propose"),
    "redo-decision": pgettext_lazy("awaits", "Sent back: decide again"),
    "decision": pgettext_lazy("awaits", "Decision awaiting sign-off"),
    "extension": pgettext_lazy("awaits", "Extension awaiting sign-off"),
    "reply": pgettext_lazy("awaits", "Reply awaiting sign-off"),
    "escalation": pgettext_lazy("awaits", "Escalation awaiting decision"),
}


def with_awaits(petitions, user):
    """Annotate what each case waits for (``awaits``, a key of AWAITS_LABELS or "") and the deadline
    of that step (``awaits_due``): the decision by its Art 22 date, an extension before the limit it
    extends runs out, a reply and an escalation by the case's due date. One query, no extra per row."""
    S = Petition.Status
    extension_due = Subquery(Extension.objects.filter(petition=OuterRef("pk"), state=Extension.State.PENDING)
                             .order_by("pk").values("old_due_on")[:1])
    return petitions.annotate(
        awaits=Case(
            When(status=S.DECISION_REVIEW, then=Value("decision")),
            When(Q(status=S.REGISTERED) & _sent_back(), then=Value("redo-decision")),
            When(status=S.REGISTERED, then=Value("propose")),
            When(status=S.REPLY_REVIEW, then=Value("reply")),
            When(Q(status__in=Petition.OPEN_STATUSES) & _pending_extension(), then=Value("extension")),
            When(Q(status__in=Petition.OPEN_STATUSES) & _pending_escalation_to(user), then=Value("escalation")),
            default=Value(""), output_field=CharField(),
        ),
        awaits_due=Case(
            When(status__in=[S.DECISION_REVIEW, S.REGISTERED], then=F("decision_due_on")),
            When(status=S.REPLY_REVIEW, then=F("due_on")),
            When(Q(status__in=Petition.OPEN_STATUSES) & _pending_extension(), then=extension_due),
            default=F("due_on"), output_field=DateField(),
        ),
    )


def awaits_label(petition):
    """The words for what a case waits for, or its state when it waits for no one's decision."""
    key = getattr(petition, "awaits", "")
    return AWAITS_LABELS[key] if key else petition.get_status_display()


def queues_for(user):
    """The queue slugs a user works from, in menu order (a post's work, hence role names).

    Only for users who may open the petitions section: a queue link never answers 403.
    """
    roles = role_keys(user)
    if not roles & {CLERK, COORDINATOR, LEADER, HANDLER}:
        return []
    slugs = []
    if CLERK in roles:
        slugs += ["to-decide", "sent-back", "overdue", "due-soon"]
    if COORDINATOR in roles:
        slugs += ["awaiting-decision", "overdue", "due-soon", "returned", "reply-signoff", "opinions", "visits-due"]
    if LEADER in roles:
        slugs += ["sign-offs", "overdue", "due-soon"]
    if HANDLER in roles:
        slugs += ["referred", "overdue", "due-soon"]
    # Escalations to my rank are one queue for petitions and mediation: office.escalation (提级至我处).
    return list(dict.fromkeys(slugs))


# The queues that are a user's own work (the home page's 待我办理 and the reminders): every queue
# but the overdue and due-soon views of it.
WORK_EXCLUDED = ("overdue", "due-soon")


def my_work_condition(user, today, soon_days):
    """One condition: a case is in one of the user's work queues (Q(pk__in=[]) when they have none)."""
    conditions = queue_conditions(user, today, soon_days)
    condition = Q(pk__in=[])
    for slug in queues_for(user):
        if slug not in WORK_EXCLUDED:
            condition |= conditions[slug]
    return condition


def queue_home(user):
    """The page a user goes to when a move took the case out of their sight: their first queue, else the list."""
    slugs = queues_for(user)
    return reverse("petitions:queue", args=[slugs[0]]) if slugs else reverse("petitions:index")


def queue_petitions(user, slug, today, soon_days):
    """Visible petitions in one queue, most urgent first, with what each waits for."""
    condition = queue_conditions(user, today, soon_days)[slug]
    petitions = with_awaits(petition_list(user).filter(condition), user)
    return petitions.order_by(*QUEUE_ORDER.get(slug, ("due_on", "received_on", "pk")))


def queue_count_row(user, today, soon_days, extra=None):
    """(slugs, one-row queryset counting each of the user's queues), not executed: the menu reads it with the
    other counts in one query (reports/queues.py). Only open cases are read (index petition_open_due).
    ``extra``: more aggregates over the same open cases, counted in the same pass (the dashboard's states);
    the row is None when there is nothing to count."""
    slugs = queues_for(user)
    if not slugs and not extra:
        return [], None
    conditions = queue_conditions(user, today, soon_days) if slugs else {}
    # Every queue holds only open cases: filtering on the open states first lets the partial index
    # on open cases do the work instead of reading every case of the township.
    petitions = visible_petitions(user, counting=True).filter(status__in=Petition.OPEN_STATUSES)
    aggregates = {s.replace("-", "_"): Count("pk", filter=conditions[s]) for s in slugs} | (extra or {})
    return slugs, one_row(petitions, **aggregates)


def queue_counts(user, today, soon_days):
    """Counts of each of the user's queues in one aggregate query."""
    slugs, row = queue_count_row(user, today, soon_days)
    if not slugs:
        return []
    counts = row.get()
    return [(slug, QUEUE_LABELS[slug], counts[slug.replace("-", "_")]) for slug in slugs]


def major_matters(user, limit=20):
    """The visible major or urgent cases (Art 25), split into (not yet reported, reported), newest first."""
    cases = visible_petitions(user).filter(is_major=True).select_related("major_report").order_by(
        "-major_flagged_at", "-pk")
    rows = list(cases[:limit * 5])  # one query; unreported ones are few and listed first below
    unreported = [p for p in rows if not hasattr(p, "major_report") or p.major_report is None]
    reported = [p for p in rows if p not in unreported]
    return unreported[:limit], reported[:limit]
