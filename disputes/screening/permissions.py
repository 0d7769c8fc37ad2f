"""Who may do what with screening rounds and ledger entries: the only place these rules live.

The township and village scope is disputes/permissions.py, shared with mediation. Opening a
mediation case from an entry is decided here too: the entry's page offers it, and screening
never imports mediation.
"""
from ..models import MediationCase
from ..permissions import in_scope, staff_of


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


def can_withdraw_zero_report(user, screening_round, today):
    """Its filer may withdraw a zero report until the period's deadline (the round's due date), as long as
    nothing was done in it (no carried-over dispute moved). The rule of services.withdraw_zero_report."""
    return (
        screening_round.zero_report
        and screening_round.filed_by_id == user.pk
        and today <= screening_round.due_on
        and can_file_round(user, screening_round.township, screening_round.village)
    )


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
    known = getattr(entry, "mediated_by", {})  # read with the entry's page (selectors.entry_page)
    if user.pk in known:
        return known[user.pk]
    return mediated_by(user, [entry.pk]).exists()


def mediated_by(user, entries):
    """The mediation cases opened from these entries (ids or a subquery) that the user mediates (a queryset)."""
    return MediationCase.objects.filter(ledger_entry_id__in=entries, mediators=user)


def can_close_entry(user, entry):
    return (user.has_perm("disputes.close_ledgerentry") and can_view_entry(user, entry)) or mediates_entry(user, entry)


def can_route_entry(user, entry):
    return (user.has_perm("disputes.route_ledgerentry") and can_view_entry(user, entry)) or mediates_entry(user, entry)


def can_request_mediation(user, entry):
    return user.has_perm("disputes.request_mediation") and can_view_entry(user, entry)


def can_open_from_entry(user, entry):
    """Open the mediation case of a ledger entry that is still open and has none."""
    return (
        entry.is_open
        and user.has_perm("disputes.add_mediationcase")
        and can_request_mediation(user, entry)
    )


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
