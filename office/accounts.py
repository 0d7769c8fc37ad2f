"""The record of every change to who a login is (docs/domain.md §8): its roles, whether it is
active or a superuser, a lockout lifted. Receivers, so that the admin, ``createsuperuser``, the
demo loader and the shell are all recorded; the actor is the request's user (the request is kept
by simple_history's HistoryRequestMiddleware), or nobody for a command.
"""
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from .models import AccountChange

User = get_user_model()
FLAGS = {"is_active": AccountChange.Kind.ACTIVE, "is_superuser": AccountChange.Kind.SUPERUSER}


def actor():
    """The signed-in user of the request being served, or None (a command, a migration)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(user, kind, before, after, by=None):
    return AccountChange.objects.create(user=user, kind=kind, before=before, after=after, by=by or actor())


def _yes_no(value):
    return "true" if value else "false"  # shown as 是 / 否 by AccountChange.shown


def _role_names(names):
    return "、".join(sorted(names)) or "—"


@receiver(pre_save, sender=User)
def _remember_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and not set(update_fields) & set(FLAGS)):
        instance._flags_before = None
        return
    instance._flags_before = User.objects.filter(pk=instance.pk).values(*FLAGS).first()


@receiver(post_save, sender=User)
def _record_flags(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_flags_before", None)
    for field, kind in FLAGS.items():
        new = getattr(instance, field)
        if created:
            if field == "is_superuser" and new:
                record(instance, kind, "—", _yes_no(new))
        elif before is not None and before[field] != new:
            record(instance, kind, _yes_no(before[field]), _yes_no(new))
    instance._flags_before = None


@receiver(m2m_changed, sender=User.groups.through)
def _record_roles(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or not isinstance(instance, User):
        return  # roles are changed from the user's side; a group edited in the admin is not a grant
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        instance._roles_before = set(instance.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    before: set[str] = getattr(instance, "_roles_before", set())
    after = set(instance.groups.values_list("name", flat=True))
    if before != after:
        record(instance, AccountChange.Kind.ROLES, _role_names(before), _role_names(after))
