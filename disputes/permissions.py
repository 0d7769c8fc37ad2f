"""Who may do what with screening rounds and ledger entries: the only place these rules live.

Role rights are model permissions (granted to the role groups by migration 0002); the
object rules add the scope: a village mediator works on their own village only (人民调解法
Art 15: mediators keep parties' information confidential, so they see no other village),
township roles see the whole township, and nobody sees another township.
"""
from office.roles import COORDINATOR, HANDLER, LEADER, MEDIATOR, has_role

# Roles that see every round and entry of their township.
TOWNSHIP_WIDE_ROLES = (COORDINATOR, LEADER, HANDLER)


def staff_of(user):
    return getattr(user, "staff", None)


def sees_whole_township(user):
    return has_role(user, *TOWNSHIP_WIDE_ROLES)


def in_scope(user, township_id, village_id):
    """Return True when the user may see things of this township and village (None: the township center)."""
    staff = staff_of(user)
    if staff is None or staff.township_id != township_id:
        return False
    if sees_whole_township(user):
        return True
    # A mediator without a village works for the township committee: township-level rounds only.
    return has_role(user, MEDIATOR) and staff.village_id == village_id


def can_view_round(user, screening_round):
    return in_scope(user, screening_round.township_id, screening_round.village_id)


def can_view_entry(user, entry):
    return in_scope(user, entry.township_id, entry.village_id)


def can_file_round(user, township, village):
    """Village rounds are filed by that village's mediators; the township round by township staff."""
    staff = staff_of(user)
    if staff is None or staff.township_id != township.pk:
        return False
    if village is None:
        return user.has_perm("disputes.file_township_round")
    return user.has_perm("disputes.file_village_round") and staff.village_id == village.pk


def filing_village(user):
    """Return (True, village) for the unit the user files for — village None means the township
    center — or (False, None) when the user files for no unit."""
    staff = staff_of(user)
    if staff is None:
        return False, None
    if staff.village_id and user.has_perm("disputes.file_village_round"):
        return True, staff.village
    if user.has_perm("disputes.file_township_round"):
        return True, None
    return False, None


def can_edit_entry(user, entry):
    return entry.is_open and user.has_perm("disputes.change_ledgerentry") and can_view_entry(user, entry)


def mediates_entry(user, entry):
    """The user is a mediator of the mediation case opened from this entry.

    When the mediation ends, its outcome moves the entry (resolved, unresolved, transferred), whoever
    the committee's mediator is: a township mediator may mediate a village's dispute.
    """
    from .models import MediationCase

    return MediationCase.objects.filter(ledger_entry_id=entry.pk, mediators=user).exists()


def can_close_entry(user, entry):
    return (user.has_perm("disputes.close_ledgerentry") and can_view_entry(user, entry)) or mediates_entry(user, entry)


def can_route_entry(user, entry):
    return (user.has_perm("disputes.route_ledgerentry") and can_view_entry(user, entry)) or mediates_entry(user, entry)


def can_request_mediation(user, entry):
    return user.has_perm("disputes.request_mediation") and can_view_entry(user, entry)


def can_view_compliance(user):
    return staff_of(user) is not None and user.has_perm("disputes.view_compliance")


def can_view_brief(user):
    return staff_of(user) is not None and user.has_perm("disputes.view_brief")


def can_export_ledger(user):
    return staff_of(user) is not None and user.has_perm("office.export_data")


def can_start_campaign(user):
    return staff_of(user) is not None and user.has_perm("disputes.add_campaign")


def can_see_personal_data(user):
    return user.has_perm("office.view_personal_data")


# --- people's mediation (domain.md §3.2) --------------------------------------------------------


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
        _in_township(user, case) and is_case_mediator(user, case)
    )


def can_open_case(user, committee_village):
    """Register a case for a committee: a mediator for their own committee, the center for any."""
    staff = staff_of(user)
    if staff is None or not user.has_perm("disputes.add_mediationcase"):
        return False
    if committee_village is not None and committee_village.township_id != staff.township_id:
        return False
    if has_role(user, COORDINATOR, LEADER):
        return True
    return has_role(user, MEDIATOR) and staff.village_id == (committee_village.pk if committee_village else None)


def can_open_from_entry(user, entry):
    """Open the mediation case of a ledger entry that is still open and has none."""
    return (
        entry.is_open
        and user.has_perm("disputes.add_mediationcase")
        and can_request_mediation(user, entry)
    )


def can_open_from_petition(user, petition):
    """Coordinators, leaders and the assigned handler open mediation from an open petition."""
    from petitions.permissions import can_add_note

    return petition.is_open and user.has_perm("disputes.add_mediationcase") and can_add_note(user, petition)


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
    return is_case_mediator(user, case) or has_role(user, COORDINATOR, LEADER)


def can_decide_case_escalation(user, escalation):
    """Only the person at the level asked for signs off (domain.md §2.4: no skipping levels)."""
    staff = staff_of(user)
    return (
        staff is not None
        and staff.township_id == escalation.case.township_id
        and staff.ladder_level_id is not None
        and staff.ladder_level_id == escalation.to_level_id
    )


def can_see_case_personal_data(user, case):
    """Full ID numbers, phones and addresses of the parties, and the agreement that states them."""
    return user.has_perm("office.view_personal_data") and can_view_case(user, case)
