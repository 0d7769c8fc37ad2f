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


def can_close_entry(user, entry):
    return user.has_perm("disputes.close_ledgerentry") and can_view_entry(user, entry)


def can_route_entry(user, entry):
    return user.has_perm("disputes.route_ledgerentry") and can_view_entry(user, entry)


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
