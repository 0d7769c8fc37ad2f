"""In-app notifications, sent after the transaction that caused them commits.

A message about a task names it (:func:`task_key`: the case and what is asked, e.g. ``decision``);
the move that does the task completes it (:func:`complete`, called by the case kit from the Flow's
``clears``), so every copy of the message — whoever received it, whoever did the task — is marked
done at once and the menu counts only open tasks (docs/architecture.md §9).

A message goes only to someone who may open what it points to (docs/domain.md §5): ``notify``
passes its recipients through ``may_open``, which resolves the message's URL to the page it
points to and asks that area's visibility rule (registered by each app's ``ready`` with
``register_target``) whether each recipient may open it. A message about a case someone may not
open, a confidential case, one about their unit or themselves, one they recused from, is not
sent to them at all, so it says nothing to them. A URL no rule is registered for is refused
loudly rather than sent to everyone.
"""
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from .models import Notification

# URL name ("petitions:detail") -> (the URL keyword naming the object, visible(user) -> queryset)
_TARGETS: dict = {}


def register_target(url_name, visible, kwarg="pk"):
    """Declare that messages may point to ``url_name``; ``visible(user)`` is who may open it."""
    _TARGETS[url_name] = (kwarg, visible)


def may_open(users, url):
    """The users (without None or repeats) who may open the page ``url`` points to."""
    users = list({u.pk: u for u in users if u is not None}.values())
    if not url:
        return users
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        raise ImproperlyConfigured(f"A notification points to an unknown URL: {url}") from None
    if match.view_name not in _TARGETS:
        raise ImproperlyConfigured(f"No visibility rule for notifications pointing to {match.view_name}")
    kwarg, visible = _TARGETS[match.view_name]
    return [u for u in users if visible(u).filter(pk=match.kwargs[kwarg]).exists()]


def task_key(case, name):
    """The key of one task on one case: ``petitions.petition:12:decision``."""
    return f"{case._meta.label_lower}:{case.pk}:{name}"


def notify(users, text, url="", *, task=""):
    """Queue a notification to each user who may open ``url``, once the current transaction commits.

    ``task`` (a :func:`task_key`) marks the message as a task, done when :func:`complete` is called
    with its key.
    """
    recipients = {u.pk for u in may_open(users, url)}

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


def open_task_row(user):
    """A one-row queryset (not executed) counting (``n``) the user's open tasks: read with the menu's counts."""
    from django.db.models import Count

    from .onequery import one_row

    return one_row(Notification.objects.filter(user=user, done_at__isnull=True).exclude(task=""), n=Count("pk"))


def open_task_count(user):
    """How many task messages of this user are still open (the menu's badge)."""
    return Notification.objects.filter(user=user, done_at__isnull=True).exclude(task="").count()
