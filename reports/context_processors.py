def work_queues(request):
    """The menu's counts: the work queues (待办), open tasks (消息) and escalations to decide (提级至我处),
    read in one query (reports/queues.py ``menu_counts``) when a template first shows one of them; a
    fragment that shows none runs no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "staff", None) is None:
        return {}
    from .queues import menu_counts_for

    def counts():
        return menu_counts_for(request)

    # A callable in a template's context is called when the template reads it.
    return {
        "work_queues": lambda: counts().queues,
        "open_tasks": lambda: counts().open_tasks,
        "escalations_to_me": lambda: counts().escalations_to_me,
    }
