"""Object-level rules for petitions: the only place they live (docs/architecture.md §3).

Each ``can_<verb>(user, petition)`` answers "may this user do this to this case", whatever its
state; the workflow checks the state against its table separately, so that a refusal says
which of the two failed.

A rule is a right plus a scope. The right is a model permission (``Petition.Meta.permissions``,
granted to the role groups by the data migrations through ``office.roles.grant``, so /admin/
shows who holds what):

- ``register_petition``: register, and correct the registration until the case is decided;
- ``process_petition``: propose the decision, serve the reply, record the opinion, archive;
- ``follow_up_petition``: request an extension, record the return visit;
- ``supervise_petition``: route, supervise, add notes, raise escalations;
- ``decide_petition``: sign off decisions, extensions, replies and reopenings;
- ``handle_petition``: work a case referred to one's own unit or village (``is_assigned_handler``);
- ``add_attachment``; ``office.view_personal_data``.

The scope is the same township for office rights and the referral for a handler's.
"""
from office.escalation import LEADER_RANKS
from office.roles import COORDINATOR, COUNTY_READERS, LEADER, county_scope, has_role, holders

from .models import Petition


def _staff(user):
    return getattr(user, "staff", None)


def _same_township(user, petition):
    staff = _staff(user)
    return staff is not None and staff.township_id == petition.township_id


def _office(user, petition, right):
    """The user holds the petitions right ``right`` and works in the case's township."""
    return _same_township(user, petition) and user.has_perm(f"petitions.{right}")


def is_assigned_handler(user, petition):
    """The user works in the unit or village the case was referred to (or is its named handler)."""
    staff = _staff(user)
    if staff is None or not user.has_perm("petitions.handle_petition") or not _same_township(user, petition):
        return False
    if petition.handler_id == user.pk:
        return True
    if petition.handler_id is not None:
        return False
    return (petition.assigned_unit_id is not None and petition.assigned_unit_id == staff.unit_id) or (
        petition.assigned_village_id is not None and petition.assigned_village_id == staff.village_id
    )


def can_register(user):
    return user.has_perm("petitions.register_petition")


def can_edit_registration(user, petition):
    """Registration details may change until the case is decided."""
    return petition.status == Petition.Status.REGISTERED and _office(user, petition, "register_petition")


def can_add_attachment(user, petition):
    return petition.is_open and (
        _office(user, petition, "add_attachment") or is_assigned_handler(user, petition)
    )


def can_view_personal_data(user, petition=None):
    """Full ID numbers, phones and addresses: only roles that need them, and only on request.

    The office roles holding ``office.view_personal_data`` (登记员, 综治中心, 领导, 调解员) may, on a
    case they may see. The handler a case is referred to usually must phone the petitioner, so
    they may too — but for a confidential case (every 检举控告) only the handler named on it,
    never the rest of the unit or village (信访工作条例 Art 46; docs/domain.md §5).
    """
    if petition is None:
        return user.has_perm("office.view_personal_data")
    if user.has_perm("office.view_personal_data") and _same_township(user, petition):
        return True
    if county_scope(user, *COUNTY_READERS) is not None:
        # A 县级督办 granted 县级查看个人信息, on a case of their county (docs/domain.md §10).
        return (user.has_perm("office.view_personal_data") and not petition.confidential
                and petition.township.county_id == user.staff.county_id)
    if petition.confidential:
        return petition.handler_id == user.pk and is_assigned_handler(user, petition)
    return is_assigned_handler(user, petition)


def can_propose_decision(user, petition):
    return _office(user, petition, "process_petition")


def can_sign_off(user, petition):
    """Leaders sign off decisions, extensions, replies and reopenings."""
    return _office(user, petition, "decide_petition")


can_approve_decision = can_sign_off
can_approve_extension = can_sign_off
can_approve_reply = can_sign_off
can_reopen = can_sign_off


def can_assign(user, petition):
    """Routing with the leader's instruction: leaders, and coordinators recording it."""
    return _office(user, petition, "supervise_petition")


def can_respond_to_referral(user, petition):
    """Sign for or send back a referred case: the unit or village it was referred to."""
    return is_assigned_handler(user, petition)


def can_add_note(user, petition):
    return is_assigned_handler(user, petition) or _office(user, petition, "supervise_petition")


def can_record_mediation_outcome(user, petition):
    """The outcome of a mediation opened from the case: whoever may add a note, or its mediators."""
    return can_add_note(user, petition) or petition.mediation_cases.filter(mediators=user).exists()


def can_supervise(user, petition):
    return _office(user, petition, "supervise_petition")


def can_record_supervision_result(user, petition):
    return can_supervise(user, petition) or is_assigned_handler(user, petition)


def can_request_extension(user, petition):
    return is_assigned_handler(user, petition) or _office(user, petition, "follow_up_petition")


def can_draft_reply(user, petition):
    return is_assigned_handler(user, petition)


def can_serve_reply(user, petition):
    return is_assigned_handler(user, petition) or _office(user, petition, "process_petition")


def can_record_opinion(user, petition):
    return _office(user, petition, "process_petition")


def can_record_return_visit(user, petition):
    return _office(user, petition, "follow_up_petition")


def can_archive(user, petition):
    return _office(user, petition, "process_petition")


def can_raise_escalation(user, petition):
    return _office(user, petition, "supervise_petition") or is_assigned_handler(user, petition)


def can_mark_major(user, petition):
    """Mark a case major or urgent (Art 25): whoever registers, routes or handles it."""
    return (_office(user, petition, "register_petition") or _office(user, petition, "supervise_petition")
            or is_assigned_handler(user, petition))


def can_report_major(user, petition):
    """Record that the major matter was reported (Art 25): a leader."""
    return can_sign_off(user, petition)


def receives_major_reports(user):
    """The township's leaders (the ladder's ranks 5 and 7) and the center: told of every major matter at once."""
    staff = _staff(user)
    if staff is None:
        return False
    return has_role(user, LEADER, COORDINATOR) or (
        staff.ladder_level_id is not None and staff.ladder_level.rank in LEADER_RANKS)


def major_recipients(township):
    """The users ``receives_major_reports`` names, for one township (Art 25: reported at once)."""
    return (holders(LEADER, township=township) | holders(COORDINATOR, township=township)
            | holders(township=township).filter(staff__ladder_level__rank__in=LEADER_RANKS)).distinct()
