"""In-app notifications, sent after the transaction that caused them commits.

A message about a task names it (:func:`task_key`: the case and what is asked, e.g. ``decision``);
the move that does the task completes it (:func:`complete`, called by the case kit from the Flow's
``clears``), so every copy of the message — whoever received it, whoever did the task — is marked
done at once and the menu counts only open tasks (docs/architecture.md §9).
"""
from django.db import transaction
from django.utils import timezone

from .models import Notification


def task_key(case, name):
    """The key of one task on one case: ``petitions.petition:12:decision``."""
    return f"{case._meta.label_lower}:{case.pk}:{name}"


def notify(users, text, url="", *, task=""):
    """Queue a notification to each user once the current transaction commits.

    ``task`` (a :func:`task_key`) marks the message as a task, done when :func:`complete` is called
    with its key.
    """
    recipients = {u.pk for u in users if u is not None}

    def send():
        Notification.objects.bulk_create(
            [Notification(user_id=pk, text=text[:300], url=url, task=task) for pk in recipients]
        )

    transaction.on_commit(send)


def complete(keys):
    """Mark every open message about these tasks done, once the current transaction commits.

    After commit, like :func:`notify`, so a task asked and done within one transaction is still
    done (the callbacks run in the order they were queued).
    """
    keys = [key for key in keys if key]
    if not keys:
        return

    def mark():
        Notification.objects.filter(task__in=keys, done_at__isnull=True).update(done_at=timezone.now())

    transaction.on_commit(mark)


def open_task_count(user):
    """How many task messages of this user are still open (the menu's badge)."""
    return Notification.objects.filter(user=user, done_at__isnull=True).exclude(task="").count()
