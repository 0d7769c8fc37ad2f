"""What every case workflow shares: its errors and the one way to check a move against a table."""
from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """A move the user asked for cannot be made; the message says why, in the user's language."""

    @property
    def message(self):
        """The text to show the user."""
        return str(self)


class TransitionNotAllowed(WorkflowError):
    pass


class StaleStateError(WorkflowError):
    pass


def check_transition(table, action, current, labels):
    """Raise TransitionNotAllowed unless ``action`` may start from ``current`` in ``table``.

    ``table`` maps an action to (allowed from-states, to-state or None); ``labels`` maps a state
    and an action to its display text.
    """
    from_states, _to = table[action]
    if current not in from_states:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while the case is “%(state)s”.")
            % {"action": labels(action), "state": labels(current)}
        )


def check_version(obj, expected_version):
    """Raise StaleStateError when the case changed since the user's page was rendered."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleStateError(
            _("Someone else changed this case in the meantime. The page now shows its current state; check it and try again.")
        )
