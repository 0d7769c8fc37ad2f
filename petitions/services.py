"""Writes other than state transitions: registering a petition, editing it, attaching files."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from office import calendar
from office.models import Person, TimeLimits  # noqa: F401 (Person: tests reach it as services.Person)
from office.notify import notify
from office.numbering import next_number
from office.people import DETAILS, find_or_create_person
from office.roles import CLERK, COORDINATOR, COUNTY_CLERK, county_scope, holders

from . import permissions
from .models import Attachment, CaseEvent, Petition, PetitionCounter, PetitionParty
from .selectors import open_cases_of, repeat_of
from .workflow import FLOW, notify_major


class StaleEditError(Exception):
    """Someone else saved the case after this form was opened."""


def decision_due(township, received_on):
    """Decide and notify within 15 days of receipt (信访工作条例 Art 22), rolled to a working day."""
    return calendar.add_days(received_on, TimeLimits.for_township(township).decision_days, township)


def petition_number(year, sequence):
    """A petition's number: XF-<year>-<0001> (docs/domain.md §2.1)."""
    return f"XF-{year}-{sequence:04d}"


def _record(petition, by, action, note="", from_status="", to_status=""):
    return FLOW.record(petition, by, action, note=note, from_status=from_status, to_status=to_status)


@transaction.atomic
def register_petition(*, by, data, petitioners, attachments=(), related=(), intake_token=None, township=None):
    """Register a petition with its petitioners and attachments; number it gap-free.

    Registration is never refused because the person petitioned before (Art 19 ¶3): earlier
    open cases of the same people only flag the case as a repeat and are linked.
    Returns (petition, created): a resubmitted intake form returns the case it already made.
    """
    if not permissions.can_register(by):
        raise PermissionDenied
    if intake_token:
        existing = Petition.objects.filter(intake_token=intake_token).first()
        if existing is not None:
            return existing, False
    # ``township``: only through assign_down (the county registers for one of its townships).
    township = by.staff.township if township is None else township
    data = dict(data)
    is_major = bool(data.pop("is_major", False))
    data.pop("confirm_received_on", None)
    _check_petitioners(petitioners)

    # A row also says whether the petitioner represents a group visit; the rest is about the person.
    people = [
        find_or_create_person(township, **{key: row[key] for key in ("person", *DETAILS) if key in row})
        for row in petitioners
    ]
    # Linked: the same people's open cases the clerk may see. The repeat flag and the timeline note
    # are seen by all who see the new case, so they come from the non-confidential ones only.
    open_earlier = list(open_cases_of(by, people))
    repeats = repeat_of(open_earlier)
    data = dict(data)
    complained_staff = data.pop("complained_staff", None) or []
    if hasattr(complained_staff, "all"):  # a related manager, when the data was read off another case
        complained_staff = list(complained_staff.all())
    received_on = data["received_on"]
    year = received_on.year
    petition = Petition(
        township=township,
        year=year,
        registered_by=by,
        intake_token=intake_token,
        decision_due_on=decision_due(township, received_on),
        **data,
    )
    petition.due_on = petition.decision_due_on
    petition.is_repeat = bool(repeats)
    if is_major:  # Art 25: flagged at intake, reported to the leaders at once (below)
        petition.is_major, petition.major_flagged_at = True, timezone.now()
    if petition.village_id is None:
        petition.village = next((p.village for p in people if p.village_id), None)
    petition.sequence = next_number(PetitionCounter, township=township, year=year)
    petition.number = petition_number(year, petition.sequence)
    petition.full_clean(exclude=["number", "intake_token"])
    petition._change_reason = _("Registered")
    petition._history_user = by
    try:
        with transaction.atomic():
            petition.save()
    except IntegrityError:
        # A double-submitted form racing itself: the other request registered the case.
        if intake_token and Petition.objects.filter(intake_token=intake_token).exists():
            transaction.set_rollback(True)
            return Petition.objects.get(intake_token=intake_token), False
        raise
    _add_parties(petition, people, petitioners)
    if complained_staff:
        petition.complained_staff.set(complained_staff)
    links = {c.pk for c in open_earlier} | {c.pk for c in related}
    links.discard(petition.pk)
    if links:
        petition.related_cases.add(*links)
    for upload, kind in attachments:
        _attach(petition, by, upload, kind)
    note = _("Repeat petition: the petitioner has open cases %(numbers)s.") % {
        "numbers": "、".join(c.number for c in repeats)
    } if repeats else ""
    _record(petition, by, CaseEvent.Action.REGISTERED, note=note, to_status=petition.status)
    if is_major:
        notify_major(petition)
    return petition, True


def _check_petitioners(petitioners):
    if not petitioners:
        raise ValidationError(_("Enter at least one petitioner."))
    representatives = sum(1 for p in petitioners if p.get("is_representative"))
    if representatives > Petition.MAX_REPRESENTATIVES:
        raise ValidationError(_("A group visit sends at most five representatives (信访工作条例 Art 20)."))


def _add_parties(petition, people, petitioners):
    """Link each petitioner once, in the order entered (a person typed twice is one party)."""
    seen = set()
    for position, (person, data_row) in enumerate(zip(people, petitioners)):
        if person.pk in seen:
            continue
        seen.add(person.pk)
        PetitionParty.objects.create(
            petition=petition, person=person, position=position,
            is_representative=bool(data_row.get("is_representative")),
        )


def _attach(petition, by, upload, kind):
    attachment = Attachment(
        petition=petition,
        kind=kind,
        original_name=upload.name[:200],
        size=upload.size,
        content_type=getattr(upload, "content_type", "") or "application/octet-stream",
        uploaded_by=by,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment._change_reason = _("Attachment added")
    attachment._history_user = by
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(petition, *, by, upload, kind):
    """Attach a file to an open case and note it on the timeline."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not permissions.can_add_attachment(by, petition):
        raise PermissionDenied
    attachment = _attach(petition, by, upload, kind)
    _record(petition, by, CaseEvent.Action.ATTACHED, note=attachment.original_name)
    return attachment


EDITABLE_FIELDS = [
    "channel", "source", "source_organ", "source_reference", "source_deadline", "received_on", "purpose",
    "category", "title", "request", "facts", "place", "village", "complained_unit", "complained_village",
    "complained_staff", "complained_party", "confidential", "is_group", "head_count",
]
M2M_FIELDS = {"complained_staff"}


@transaction.atomic
def update_registration(petition, *, by, data, version):
    """Change registration details while the case is still registered (recorded in history).

    ``version`` is the one the form was opened with: if someone saved in between, nothing is
    changed and StaleEditError tells the user to reload rather than overwrite their work.
    """
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not permissions.can_edit_registration(by, petition):
        raise PermissionDenied
    if petition.version != version:
        raise StaleEditError(_("Someone else changed this case after you opened the form. Reload it and try again."))
    changed = [f for f in EDITABLE_FIELDS if f in data and f not in M2M_FIELDS and getattr(petition, f) != data[f]]
    staff_changed = "complained_staff" in data and (
        {u.pk for u in data["complained_staff"]} != set(petition.complained_staff.values_list("pk", flat=True))
    )
    if not changed and not staff_changed:
        return petition
    for field in changed:
        setattr(petition, field, data[field])
    if staff_changed:
        petition.complained_staff.set(data["complained_staff"])
    if "received_on" in changed:
        petition.decision_due_on = decision_due(petition.township, petition.received_on)
        petition.due_on = petition.decision_due_on
        changed += ["decision_due_on", "due_on"]
    petition.full_clean(exclude=["number", "intake_token"])
    petition.version += 1
    petition._change_reason = _("Registration details edited")
    petition._history_user = by
    petition.save(update_fields=changed + ["version", "confidential"])
    labels = "、".join(str(Petition._meta.get_field(f).verbose_name) for f in changed if f not in ("decision_due_on", "due_on"))
    if staff_changed:
        labels = "、".join(filter(None, [labels, str(Petition._meta.get_field("complained_staff").verbose_name)]))
    _record(petition, by, CaseEvent.Action.EDITED, note=labels)
    return petition


def today():
    """Today in the office's time zone."""
    return timezone.localdate()


def check_received_on(value):
    """A petition cannot be received in the future."""
    if value and value > today():
        raise ValidationError(_("The received date cannot be in the future."))
    if value and value < today() - datetime.timedelta(days=366 * 5):
        raise ValidationError(_("The received date is more than five years ago: please check it."))


@transaction.atomic
def assign_down(*, by, township, data, petitioners):
    """The county registers a petition for one of its townships and assigns (交办) or forwards (转送) it
    there, with its organ, number and deadline (docs/domain.md §10). The case is the township's from
    then on: it arrives in its 待受理决定 queue as 上级交办 / 上级转送, and its 上报办理结果 (report_back)
    closes the county's tracking."""
    county_id = county_scope(by, COUNTY_CLERK)
    if county_id is None or not permissions.can_register(by):
        raise PermissionDenied
    if township.county_id != county_id:
        raise ValidationError({"township": _("This township belongs to another county: the county assigns only to its own townships.")})
    if data.get("source") not in (Petition.Source.ASSIGNED, Petition.Source.FORWARDED):
        raise ValidationError({"source": _("Choose whether the case is assigned (交办) or forwarded (转送).")})
    if data["source"] == Petition.Source.ASSIGNED and not data.get("source_deadline"):
        raise ValidationError({"source_deadline": _("An assigned case needs the deadline for the report of its result.")})
    petition, _created = register_petition(by=by, data=data, petitioners=petitioners, township=township)
    text = _("%(organ)s assigned %(number)s %(title)s to the township: decide whether to accept it.") % {
        "organ": petition.source_organ, "number": petition.number, "title": petition.title}
    recipients = (holders(CLERK, township=township) | holders(COORDINATOR, township=township)).distinct()
    notify(recipients, text, reverse("petitions:detail", args=[petition.pk]))
    return petition
