"""Daily reminders: due-soon and overdue cases for each user, missing screening rounds for each
village mediator — as in-app messages and one e-mail per person per day. Idempotent: every
reminder has a key with the day in it, so a second run the same day sends nothing again."""
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from disputes.models import ScreeningCadence
from disputes.periods import recent_periods
from disputes.screening.selectors import MISSING, compliance_rows
from office.models import Notification, TimeLimits, display_name
from office.roles import MEDIATOR, has_role
from petitions.selectors import queue_conditions, queues_for, visible_petitions


@dataclass
class Reminder:
    user: object
    items: list = field(default_factory=list)  # (key, text, url)


def _petition_items(user, today):
    staff = user.staff
    soon = TimeLimits.for_township(staff.township).due_soon_days
    slugs = [s for s in queues_for(user) if s not in ("overdue", "due-soon")]
    if not slugs:
        return []
    conditions = queue_conditions(user, today, soon)
    mine = conditions[slugs[0]]
    for slug in slugs[1:]:
        mine |= conditions[slug]
    urgent = (conditions["overdue"] | conditions["due-soon"]) & mine
    items = []
    for petition in visible_petitions(user).filter(urgent).order_by("due_on").only("pk", "number", "title", "due_on"):
        left = (petition.due_on - today).days
        text = (_("%(number)s %(title)s is %(days)d days overdue (due %(due)s).") if left < 0
                else _("%(number)s %(title)s is due on %(due)s (%(days)d days left)."))
        items.append((
            f"remind:{today}:petition:{petition.pk}",
            text % {"number": petition.number, "title": petition.title, "days": abs(left), "due": petition.due_on},
            reverse("petitions:detail", args=[petition.pk]),
        ))
    return items


def _missing_round_items(user, today):
    staff = user.staff
    if staff.village_id is None:
        return []
    cadence = ScreeningCadence.for_scope(ScreeningCadence.Scope.VILLAGE)
    current = recent_periods(cadence.kind, today, 2, cadence.anchor)
    rows = [r for r in compliance_rows(staff.township, ScreeningCadence.Scope.VILLAGE, current, today, cadence)
            if r.village is not None and r.village.pk == staff.village_id]
    items = []
    for row in rows:
        for cell in row.cells:
            if cell.round is None and (cell.state == MISSING or cell.period.ends_on <= today):
                items.append((
                    f"remind:{today}:round:{staff.village_id}:{cell.period.key}",
                    _("%(village)s has not filed the screening round for %(period)s (due %(due)s); a round with nothing found is filed as a zero report.")
                    % {"village": row.name, "period": cell.period.label, "due": cell.due_on},
                    reverse("disputes:round_new"),
                ))
    return items


def collect(today):
    """Everything due to be reminded today, per user (reads only)."""
    users = get_user_model().objects.filter(is_active=True, staff__isnull=False).select_related(
        "staff__township").order_by("pk")
    reminders = []
    for user in users:
        items = _petition_items(user, today)
        if has_role(user, MEDIATOR):  # a post: a village committee files its rounds
            items += _missing_round_items(user, today)
        if items:
            reminders.append(Reminder(user, items))
    return reminders


def send(today, *, dry_run=False, out=None):
    """Send today's reminders that were not sent yet; return (people reminded, messages, e-mails)."""
    people = messages = mails = 0
    for reminder in collect(today):
        with transaction.atomic():
            new = [item for item in reminder.items
                   if not Notification.objects.filter(user=reminder.user, key=item[0]).exists()]
            if not new:
                continue
            people += 1
            messages += len(new)
            if out is not None:
                out.write(f"{reminder.user.username}: " + "; ".join(text for _key, text, _url in new))
            if dry_run:
                continue
            Notification.objects.bulk_create(
                [Notification(user=reminder.user, key=key, text=text[:300], url=url) for key, text, url in new]
            )
            if reminder.user.email:
                body = "\n".join(f"- {text}" for _key, text, _url in new)
                send_mail(
                    _("Reminders for %(date)s") % {"date": today},
                    _("%(name)s:\n\n%(items)s\n\nPlease log in to the system to handle them.")
                    % {"name": display_name(reminder.user), "items": body},
                    settings.DEFAULT_FROM_EMAIL, [reminder.user.email],
                )
                mails += 1
    return people, messages, mails


