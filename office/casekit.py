"""The case kit: what every case workflow (petitions, screening ledger entries, mediation cases) does
the same way on every move. See docs/architecture.md §2.

An area's ``workflow.py`` declares one :class:`Flow` (its case model, event model, transition table,
labels and the permission function of each action) and writes one atomic function per move:

    @transaction.atomic
    def sign_for_petition(petition, *, by, expected_version=None):
        petition = FLOW.lock(petition, "sign_for", by, expected_version)   # lock, version, state, right
        from_status = petition.status
        petition.status = S.IN_PROGRESS
        ...
        return FLOW.save(petition, by, "sign_for", ["signed_on"], from_status=from_status)  # + one event

``FLOW.record`` appends an event for a move that changes no field of the case (a progress note),
``keep`` saves a record beside the case (an extension, a session) with its history user, and
``FLOW.offers(user, case)`` tells a page which actions to show, from the same table and the same
permission functions the moves check, so the page and the rule cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .notify import complete, task_key
from .workflow import check_transition, check_version

Right = Callable[[Any, Any], bool]


class CaseEventBase(models.Model):
    """One line of a case's timeline: who did what, when, from which state to which, and why.

    Append-only. Each area adds the link to its case (and may narrow ``action``'s choices and give
    the statuses their labels); the timeline template (office/includes/_timeline.html) reads these
    fields only.
    """

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self._choice_label('action')}"

    @property
    def changes_state(self) -> bool:
        """True when the move took the case from one state to another (the timeline shows both)."""
        return bool(self.from_status) and self.from_status != self.to_status

    def from_label(self) -> str:
        return self._choice_label("from_status")

    def to_label(self) -> str:
        return self._choice_label("to_status")

    def _choice_label(self, name: str) -> str:
        value = getattr(self, name)
        return str(choices_of(type(self), name).get(value, value))


def choices_of(model: type[models.Model], name: str) -> dict:
    """Return {value: label} of a model field's choices (empty when it has none)."""
    field = model._meta.get_field(name)
    return dict(field.flatchoices) if isinstance(field, models.Field) else {}


def _always(case) -> bool:
    return True


def keep(obj: models.Model, by, fields: Iterable[str] | None = None, *, reason: str = "", clean: bool = False):
    """Save a record beside a case (an extension, a session, a visit) with its history user and reason."""
    # django-simple-history reads these two attributes when it writes the history row.
    setattr(obj, "_history_user", by)
    if reason:
        setattr(obj, "_change_reason", str(reason))
    if clean:
        obj.full_clean()
    obj.save(update_fields=list(fields) if fields is not None else None)
    return obj


@dataclass(frozen=True)
class Ladder:
    """Where a case stands on the escalation ladder (docs/domain.md §2.4), read by office.escalation."""

    village_id: Callable[[Any], int | None]  # the case's village: its holders of ranks 1–4 decide
    handler_rank: Callable[[Any], int]  # the rank of whoever handles the case now (village 1, center 5, unit 6)


@dataclass(frozen=True)
class Flow:
    """One workflow: its case model, its one transition table and the right each action needs.

    ``transitions`` maps an action to (the states it may start from, the state it leads to — None
    when it stays, "*" when it depends on what is recorded); ``rights`` maps each action to the
    permission function ``(user, case) -> bool`` that the move checks and the page asks;
    ``action_labels`` names each action (states and events are named by their model choices).
    """

    model: type[models.Model]
    event_model: type[CaseEventBase]
    case_field: str
    transitions: Mapping[str, tuple[set, Any]]
    rights: Mapping[str, Right]
    action_labels: Mapping[str, Any]
    # The case page's URL name (notifications link to it) and the area's escalation model, if any.
    url_name: str = ""
    escalation_model: type[models.Model] | None = None
    ladder: Ladder | None = None
    # Why a user may not take an action, for the 403 page (e.g. the escalation is another village's).
    refusals: Mapping[str, Callable[[Any, Any], str]] = field(default_factory=dict)
    lock_related: tuple[str, ...] = ()
    clean_exclude: tuple[str, ...] = ()
    # Called before every save, e.g. to recompute a derived due date the lists sort on.
    before_save: Callable[[Any], None] | None = None
    always_saved: tuple[str, ...] = field(default=("status", "version"))
    # What a move needs beyond its state, read from what the case page has at hand (a pending
    # extension to approve, an open window): the page offers the move only when it holds.
    ready: Mapping[str, Callable[[Any], bool]] = field(default_factory=dict)
    # The tasks (office/notify.py task names) each move does: recording the move marks every message
    # asking for them done, for every recipient, whoever moved the case.
    clears: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def labels(self, key: str) -> str:
        """Return the words for an action of the table, a state, or a timeline event."""
        if key in self.action_labels:
            return str(self.action_labels[key])
        for choices in (choices_of(self.model, "status"), choices_of(self.event_model, "action")):
            if key in choices:
                return str(choices[key])
        return key

    def lock(self, case, action: str, by, expected_version: int | None = None, *, right: Right | None = None):
        """Re-read the case under a row lock; check the page's version, the state, then the right.

        The state is checked before the right: a user acting on a page that another user has just
        moved on is told what happened to the case, not a bare "forbidden" (docs/architecture.md §2).
        """
        # of=("self",): nullable joins (a committee village, a unit) cannot be locked on PostgreSQL.
        locked: Any = (
            self.model._default_manager.select_for_update(of=("self",)).select_related(*self.lock_related).get(pk=case.pk)
        )
        check_version(locked, expected_version)
        check_transition(self.transitions, action, locked.status, self.labels)
        if not (right or self.rights[action])(by, locked):
            raise PermissionDenied
        return locked

    def save(self, case, by, action: str, fields: Iterable[str] = (), *, from_status: str, note: str = "",
             event: str | None = None, at=None, **event_fields):
        """Validate and save the changed fields with the history reason and actor, then append one event."""
        if self.before_save is not None:
            self.before_save(case)
        case.version += 1
        case.full_clean(exclude=list(self.clean_exclude))
        setattr(case, "_change_reason", self.labels(action))
        setattr(case, "_history_user", by)
        if at is not None:
            setattr(case, "_history_date", at)
        case.save(update_fields=sorted(set(fields) | set(self.always_saved)))
        self.record(case, by, event or action, from_status=from_status, note=note, at=at, **event_fields)
        return case

    def record(self, case, by, action: str, *, note: str = "", from_status: str | None = None, at=None,
               **event_fields):
        """Append one event to the case's timeline (for a move that changes no field of the case)."""
        values = {self.case_field: case, "actor": by, "action": action, "note": note,
                  "from_status": case.status if from_status is None else from_status, "to_status": case.status,
                  **event_fields}
        if at is not None:
            values["at"] = at
        event = self.event_model._default_manager.create(**values)
        complete([task_key(case, name) for name in self.clears.get(action, ())])
        return event

    def possible(self, case) -> set[str]:
        """Return the actions the table allows from the case's current state."""
        return {action for action, (sources, _to) in self.transitions.items() if case.status in sources}

    def offers(self, user, case) -> dict[str, bool]:
        """Return {action: True} for each move this user may take now: the table allows it from the
        case's state, what it needs is there (``ready``), and the user holds its right."""
        possible = self.possible(case)
        return {
            action: True
            for action in self.transitions
            if action in possible and self.ready.get(action, _always)(case) and self.rights[action](user, case)
        }
