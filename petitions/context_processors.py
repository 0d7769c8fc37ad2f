from django.utils import timezone

from office.models import TimeLimits


def queues(request):
    """Counts of the user's petition work queues for the menu (one aggregate query)."""
    user = getattr(request, "user", None)
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return {}
    from .selectors import queue_counts, queues_for

    if not queues_for(user):
        return {}
    soon = TimeLimits.for_township(staff.township).due_soon_days
    return {"petition_queues": queue_counts(user, timezone.localdate(), soon)}
