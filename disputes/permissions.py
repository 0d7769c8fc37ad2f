"""The scope rules that dispute screening and people's mediation share: who works for which
township and village. Each area's own rules build on them (disputes/screening/permissions.py,
disputes/mediation/permissions.py).

Role rights are model permissions (granted to the role groups by migrations 0002 and 0004); the
object rules add the scope: a village mediator works on their own village only (人民调解法
Art 15: mediators keep parties' information confidential, so they see no other village),
township roles see the whole township, and nobody sees another township.
"""
from office.roles import COORDINATOR, COUNTY_READERS, HANDLER, LEADER, MEDIATOR, county_scope, has_role

# Roles that see every round and entry of their township. The scope is about a post, not a right
# (township staff versus a village committee's mediator), hence role names rather than permissions.
TOWNSHIP_WIDE_ROLES = (COORDINATOR, LEADER, HANDLER)


def staff_of(user):
    return getattr(user, "staff", None)


def sees_whole_township(user):
    return has_role(user, *TOWNSHIP_WIDE_ROLES)


def county_townships(user):
    """The townships a 县级督办 reads (docs/domain.md §10), as a filter on ``township_id``; None for anyone else."""
    from office.models import Township

    county_id = county_scope(user, *COUNTY_READERS)
    return None if county_id is None else Township.objects.filter(county_id=county_id).values("pk")


def in_scope(user, township_id, village_id):
    """Return True when the user may see things of this township and village (None: the township center)."""
    staff = staff_of(user)
    county = county_townships(user)
    if county is not None:
        return county.filter(pk=township_id).exists()
    if staff is None or staff.township_id != township_id:
        return False
    if sees_whole_township(user):
        return True
    # A mediator without a village works for the township committee: township-level rounds only.
    return has_role(user, MEDIATOR) and staff.village_id == village_id
