"""Who may do what with mediation cases (docs/domain.md §3.2): the only place these rules live.

The township and village scope is disputes/permissions.py; opening a case from a ledger entry
is the screening rule disputes.screening.permissions.can_open_from_entry.
"""
from django.utils.translation import gettext as _

from office import escalation
from office.roles import COORDINATOR, LEADER, MEDIATOR, has_role
from petitions.permissions import can_add_note

from ..permissions import in_scope, staff_of


def _mediator_ids(case):
    """The ids of the case's mediators, read once per case object (prefetched when the page did)."""
    cached = getattr(case, "_mediator_ids", None)
    if cached is None:
        prefetched = getattr(case, "_prefetched_objects_cache", {}).get("mediators")
        if prefetched is not None:
            cached = {user.pk for user in prefetched}
        else:
            cached = set(case.mediators.values_list("pk", flat=True))
        case._mediator_ids = cached
    return cached


def is_case_mediator(user, case):
    """The user is one of the mediators appointed to the case (人民调解法 Art 19)."""
    return user.pk in _mediator_ids(case)


def _in_township(user, case):
    staff = staff_of(user)
    return staff is not None and staff.township_id == case.township_id


def can_view_case(user, case):
    """Township roles see their township's cases; a mediator sees their committee's and their own (Art 15)."""
    return in_scope(user, case.township_id, case.committee_village_id) or (
        _in_township(user, case) and (is_case_mediator(user, case) or escalation.is_asked(user, case))
    )


def can_open_case(user, committee_village):
    """Register a case for a committee: a mediator for their own committee, the center for any."""
    staff = staff_of(user)
    if staff is None or not user.has_perm("disputes.add_mediationcase"):
        return False
    if committee_village is not None and committee_village.township_id != staff.township_id:
        return False
    # Which committee is about the post (the center serves every committee, a mediator their own):
    # role names here, the right itself is the permission above.
    if has_role(user, COORDINATOR, LEADER):
        return True
    return has_role(user, MEDIATOR) and staff.village_id == (committee_village.pk if committee_village else None)


def can_open_from_petition(user, petition):
    """Coordinators, leaders and the assigned handler open mediation from an open petition, never
    from a confidential one (a 检举控告: docs/domain.md §3.2, mediation_refused_reason)."""
    return (petition.is_open and not petition.confidential and user.has_perm("disputes.add_mediationcase")
            and can_add_note(user, petition))


def mediation_refused_reason(petition):
    """Why mediation cannot be opened from this petition, in words, or "" when it can."""
    if petition.confidential:
        return _("A confidential case (a report or accusation) is not mediated: people's mediation would "
                 "name the whistle-blower to the committee and the other party (信访工作条例 Art 46).")
    return ""


def can_mediate(user, case):
    """Sessions, the agreement, signatures, performance, termination: the case's own mediators."""
    return user.has_perm("disputes.mediate_mediationcase") and _in_township(user, case) and is_case_mediator(user, case)


def can_supervise_case(user, case):
    """Appoint mediators, extend, record return visits and court rulings, archive: the center."""
    return user.has_perm("disputes.supervise_mediationcase") and _in_township(user, case)


def can_follow_up(user, case):
    """What the mediators and the center both do (extensions, confirmation, return visits, archive)."""
    return can_mediate(user, case) or can_supervise_case(user, case)


def can_route_case(user, case):
    """Escalate or transfer to the police: the case's mediators (Art 25), the center and leaders."""
    if not user.has_perm("disputes.route_mediationcase") or not _in_township(user, case):
        return False
    # Which cases is about the post: a mediator routes their own cases, the center and leaders any.
    return is_case_mediator(user, case) or has_role(user, COORDINATOR, LEADER)


def can_see_case_personal_data(user, case):
    """Full ID numbers, phones and addresses of the parties, and the agreement that states them."""
    return user.has_perm("office.view_personal_data") and can_view_case(user, case)
