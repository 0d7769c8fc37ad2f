"""Reads: which petitions a user may see, and lookups for intake."""
from django.db.models import Exists, OuterRef, Prefetch, Q

from office.roles import CLERK, COORDINATOR, HANDLER, LEADER, role_keys

from .models import Attachment, CaseEvent, Petition, PetitionParty


def visible_petitions(user):
    """Return the petitions the user may see (domain.md §5; issue 3 §6). Anything else is a 404.

    - other townships: never;
    - clerks, coordinators, leaders: their township's cases;
    - unit and village handlers: only cases referred to their unit or village, or to them;
    - confidential cases: only the clerk who registered it, leaders and the assigned handler;
    - the unit complained about, and staff who recused themselves: never.
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
    qs = qs.filter(scope).filter(confidential_ok)
    if staff.unit_id:
        qs = qs.exclude(complained_unit_id=staff.unit_id)
    # A plain NOT IN over the (few) recusals: a correlated NOT EXISTS made every count scan slow.
    recused = Petition.recused.through.objects.filter(user_id=user.pk).values("petition_id")
    return qs.exclude(pk__in=recused)


def get_petition_for_user(user, pk):
    """Return one visible petition or raise Http404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible_petitions(user), pk=pk)


def petition_list(user):
    """Visible petitions with what the list shows, in a constant number of queries."""
    return visible_petitions(user).select_related("category", "village").prefetch_related(
        Prefetch("parties", queryset=PetitionParty.objects.select_related("person").order_by("position", "pk"))
    )


def petition_detail(user, pk):
    """One visible petition with everything its page shows, prefetched."""
    from django.shortcuts import get_object_or_404

    qs = visible_petitions(user).select_related(
        "category", "village", "complained_unit", "registered_by", "assigned_unit", "assigned_village", "handler",
        "township",
    ).prefetch_related(
        Prefetch("parties", queryset=PetitionParty.objects.select_related("person", "person__village")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        "related_cases",
    )
    return get_object_or_404(qs, pk=pk)


def matching_people(township, *, id_number="", phone="", name="", village_id=None):
    """Return people who may be this petitioner: same ID number, same phone, or same name in the village."""
    from office.models import Person

    condition = Q()
    if id_number:
        condition |= Q(id_number=id_number)
    if phone:
        condition |= Q(phone=phone)
    if name and village_id:
        condition |= Q(name=name, village_id=village_id)
    if not condition:
        return Person.objects.none()
    return Person.objects.filter(township=township).filter(condition).select_related("village")[:10]


def earlier_cases(user, people):
    """Return the visible earlier cases of these people, newest first."""
    ids = [p.pk for p in people]
    if not ids:
        return Petition.objects.none()
    has_party = PetitionParty.objects.filter(petition=OuterRef("pk"), person_id__in=ids)
    return visible_petitions(user).filter(Exists(has_party)).order_by("-received_on")[:20]


def open_cases_of(people):
    """Return all open cases (whoever may see them) of these people: the repeat-petition test."""
    ids = [p.pk for p in people]
    has_party = PetitionParty.objects.filter(petition=OuterRef("pk"), person_id__in=ids)
    return Petition.objects.filter(Exists(has_party), status__in=Petition.OPEN_STATUSES)
