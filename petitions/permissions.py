"""Object-level rules for petitions: the only place they live (design.md §3)."""
from office.roles import CLERK, COORDINATOR, LEADER, has_role

from .models import Petition


def _same_township(user, petition):
    staff = getattr(user, "staff", None)
    return staff is not None and staff.township_id == petition.township_id


def can_register(user):
    return has_role(user, CLERK, COORDINATOR) and user.has_perm("petitions.register_petition")


def can_edit_registration(user, petition):
    """Registration details may change until the case is decided."""
    return (
        petition.status == Petition.Status.REGISTERED
        and _same_township(user, petition)
        and has_role(user, CLERK, COORDINATOR)
    )


def can_add_attachment(user, petition):
    return petition.is_open and _same_township(user, petition) and (
        has_role(user, CLERK, COORDINATOR, LEADER) or petition.handler_id == user.pk
    )


def can_view_personal_data(user, petition=None):
    """Full ID numbers, phones and addresses: only roles that need them, and only on request."""
    return user.has_perm("office.view_personal_data")
