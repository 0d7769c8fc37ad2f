"""Reads: which petitions a user may see, and lookups for intake."""
import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from office.documents import documents_of
from office.models import Person
from office.people import matching_people
from office.roles import CLERK, COORDINATOR, HANDLER, LEADER, role_keys

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


def visible_petitions(user):
    """Return the petitions the user may see (docs/domain.md §5; issue 3 §6). Anything else is a 404.

    - other townships: never;
    - clerks, coordinators, leaders: their township's cases;
    - unit and village handlers: only cases referred to their unit or village, or to them;
    - confidential cases: only the clerk who registered it, leaders and the assigned handler;
    - the unit, village or staff complained about, and staff who recused themselves: never
      (``never_sees``, applied last, so that no rule that widens the scope can undo it).

    Who sees which cases follows the post (center, leader, unit or village handler), so this reads
    role names; what a user may do to a case is a model permission (permissions.py). Every other
    read that names a petition (related cases, the intake lookup, figures and their drill-downs,
    exports, notifications, mediation opened from a case) goes through this function.
    """
    staff = getattr(user, "staff", None)
    if staff is None or not user.is_active:
        return Petition.objects.none()
    roles = role_keys(user)
    qs = Petition.objects.filter(township_id=staff.township_id)
    if roles & {CLERK, COORDINATOR, LEADER}:
        scope = Q()
    elif HANDLER in roles:
        scope = Q(handler=user)
        if staff.unit_id:
            scope |= Q(assigned_unit_id=staff.unit_id)
        if staff.village_id:
            scope |= Q(assigned_village_id=staff.village_id)
    else:
        return Petition.objects.none()
    if LEADER in roles:
        confidential_ok = Q()
    else:
        confidential_ok = Q(confidential=False) | Q(registered_by=user) | Q(handler=user)
    return never_sees(user, qs.filter(scope).filter(confidential_ok))


def never_sees(user, petitions):
    """Drop the cases this user may never see, whatever their post: cases about their unit, their
    village committee or themselves (信访工作条例 Art 46: a report never reaches whom it reports on),
    and cases they recused themselves from (Art 28)."""
    staff = getattr(user, "staff", None)
    if staff is not None and staff.unit_id:
        petitions = petitions.exclude(complained_unit_id=staff.unit_id)
    if staff is not None and staff.village_id:
        petitions = petitions.exclude(complained_village_id=staff.village_id)
    # Plain NOT IN over the (few) recusals and named staff: a correlated NOT EXISTS made counts slow.
    recused = Petition.recused.through.objects.filter(user_id=user.pk).values("petition_id")
    named = Petition.complained_staff.through.objects.filter(user_id=user.pk).values("petition_id")
    return petitions.exclude(pk__in=recused).exclude(pk__in=named)


def get_petition_for_user(user, pk):
    """Return one visible petition or raise Http404."""
    return get_object_or_404(visible_petitions(user), pk=pk)


def petition_list(user):
    """Visible petitions with what the list shows, in a constant number of queries."""
    return visible_petitions(user).select_related("category", "village").prefetch_related(
        Prefetch("parties", queryset=PetitionParty.objects.select_related("person").order_by("position", "pk"))
    )


def petition_detail(user, pk):
    """One visible petition with everything its page shows, prefetched (a constant number of queries)."""
    qs = visible_petitions(user).select_related(
        "category", "village", "complained_unit", "complained_village", "registered_by", "assigned_unit", "assigned_village", "handler",
        "township", "lead_leader", "decided_by", "ladder_level", "reply", "reply__drafted_by", "reply__approved_by",
    ).prefetch_related(
        Prefetch("parties", queryset=PetitionParty.objects.select_related("person", "person__village")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by"),
                 to_attr="extension_list"),
        Prefetch("supervisions", queryset=Supervision.objects.select_related("created_by", "result_by"),
                 to_attr="supervision_list"),
        Prefetch("escalations", queryset=EscalationRequest.objects.select_related(
            "from_level", "to_level", "requested_by", "decided_by"), to_attr="escalation_list"),
        Prefetch("return_visits", queryset=ReturnVisit.objects.select_related("visited_by"), to_attr="visit_list"),
        Prefetch("related_cases", queryset=visible_petitions(user)),
        "complained_staff",
    )
    petition = get_object_or_404(qs, pk=pk)
    petition.pending_extensions = [e for e in petition.extension_list if e.state == Extension.State.PENDING]
    petition.has_extension = any(e.state != Extension.State.REJECTED for e in petition.extension_list)
    petition.open_supervisions = [s for s in petition.supervision_list if s.result_at is None]
    petition.pending_escalations = [e for e in petition.escalation_list if e.state == EscalationRequest.State.PENDING]
    petition.document_list = list(documents_of(petition))
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


def queue_conditions(user, today, soon_days):
    """The work queues (issue 4 §2) as conditions on visible petitions, keyed by their URL slug."""
    S = Petition.Status
    open_ = Q(status__in=Petition.OPEN_STATUSES)
    pending_extension = Exists(Extension.objects.filter(petition=OuterRef("pk"), state=Extension.State.PENDING))
    staff = getattr(user, "staff", None)
    pending_escalation_to_me = Q(pk__in=[]) if staff is None or staff.ladder_level_id is None else Exists(
        EscalationRequest.objects.filter(
            petition=OuterRef("pk"), state=EscalationRequest.State.PENDING, to_level_id=staff.ladder_level_id
        )
    )
    return {
        "awaiting-decision": Q(status__in=[S.REGISTERED, S.DECISION_REVIEW]),
        "overdue": open_ & Q(due_on__lt=today),
        "due-soon": open_ & Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=soon_days)),
        "returned": Q(status=S.ACCEPTED, return_count__gt=0),
        "reply-signoff": Q(status=S.REPLY_REVIEW),
        "opinions": Q(status=S.REPLIED),
        "visits-due": Q(status=S.EVALUATED, due_on__lte=today + datetime.timedelta(days=soon_days)),
        "sign-offs": Q(status__in=[S.DECISION_REVIEW, S.REPLY_REVIEW]) | (open_ & pending_extension),
        "escalations": open_ & pending_escalation_to_me,
        "referred": Q(status__in=[S.ASSIGNED, S.IN_PROGRESS]),
    }


QUEUE_LABELS = {
    "awaiting-decision": _("Awaiting decision"),
    "overdue": _("Overdue"),
    "due-soon": _("Due within 3 days"),
    "returned": _("Returned by units"),
    "reply-signoff": _("Replies awaiting sign-off"),
    "opinions": _("Opinions pending"),
    "visits-due": _("Return visits due"),
    "sign-offs": _("Awaiting my sign-off"),
    "escalations": _("Escalations to my level"),
    "referred": _("Referred to my unit"),
}


def queues_for(user):
    """The queue slugs a user works from, in menu order (a post's work, hence role names)."""
    roles = role_keys(user)
    slugs = []
    if COORDINATOR in roles:
        slugs += ["awaiting-decision", "overdue", "due-soon", "returned", "reply-signoff", "opinions", "visits-due"]
    if LEADER in roles:
        slugs += ["sign-offs", "overdue", "due-soon"]
    if HANDLER in roles:
        slugs += ["referred", "overdue", "due-soon"]
    staff = getattr(user, "staff", None)
    if staff is not None and staff.ladder_level_id:
        slugs.append("escalations")
    return list(dict.fromkeys(slugs))


def queue_petitions(user, slug, today, soon_days):
    """Visible petitions in one queue, most urgent first."""
    condition = queue_conditions(user, today, soon_days)[slug]
    return petition_list(user).filter(condition).order_by("due_on", "received_on")


def queue_counts(user, today, soon_days):
    """Counts of each of the user's queues in one aggregate query."""
    slugs = queues_for(user)
    if not slugs:
        return []
    conditions = queue_conditions(user, today, soon_days)
    counts = visible_petitions(user).aggregate(**{s.replace("-", "_"): Count("pk", filter=conditions[s]) for s in slugs})
    return [(slug, QUEUE_LABELS[slug], counts[slug.replace("-", "_")]) for slug in slugs]
