from django.utils import timezone


def work_queues(request):
    """The user's work queues for the menu's 待办, with counts (reports/queues.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "staff", None) is None:
        return {}
    from .queues import work_queues

    return {"work_queues": work_queues(user, timezone.localdate())}
