"""Daily reminders (issue 12 §2): one digest per person per day, as an in-app message updated in place
and one e-mail the first time it is written that day.

What a digest holds is read from the work queues (reports/queues.py and the selectors they use), so a
reminder says what the menu's 待办 counts:

- petitions in the person's own queues that are overdue or due soon, and — whatever their date — a
  leader's pending sign-offs (decisions, extensions, replies, escalations) and the clerk's pending
  decisions (待提出受理意见, 退回重办), each with the deadline of that step;
- mediation cases past their time limit, finalised agreements awaiting signatures and judicial-
  confirmation windows in their last week (人民调解法 Art 33);
- for a village mediator, the screening rounds their village has not filed.

Idempotent: the digest's key holds the day; a second run the same day rewrites the digest when what is
waiting has changed (a task done since drops out) and sends no second e-mail.
"""
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.mediation import selectors as mediation
from disputes.models import MediationCase, ScreeningCadence
from disputes.periods import recent_periods
from disputes.screening.selectors import MISSING, compliance_rows
from office.adoption import counted_deadline
from office.models import Notification, TimeLimits, display_name
from office.roles import COORDINATOR, MEDIATOR, has_role
from petitions.selectors import (
    awaits_label,
    my_work_condition,
    petition_list,
    queue_conditions,
    queues_for,
    with_awaits,
)

# The queues whose every case is reminded, due or not: what only this person can sign or decide.
ALWAYS_REMINDED = ("sign-offs", "to-decide", "sent-back")


@dataclass
class Reminder:
    user: object
    items: list = field(default_factory=list)  # (text, url)


def digest_key(today):
    return f"digest:{today}"


def _days(due, today):
    left = (due - today).days
    if left < 0:
        return _("%(days)d days overdue (due %(due)s)") % {"days": -left, "due": due}
    return _("due %(due)s, %(days)d days left") % {"due": due, "days": left}


def _petition_items(user, today):
    slugs = queues_for(user)
    if not slugs:
        return []
    soon = TimeLimits.for_township(user.staff.township).due_soon_days
    conditions = queue_conditions(user, today, soon)
    always = Q(pk__in=[])
    for slug in ALWAYS_REMINDED:
        if slug in slugs:
            always |= conditions[slug]
    urgent = conditions["overdue"] | conditions["due-soon"]
    work = with_awaits(
        petition_list(user).filter(my_work_condition(user, today, soon) & (urgent | always)), user
    ).order_by("awaits_due", "received_on")
    items = []
    for petition in work:
        due = counted_deadline(petition.awaits_due or petition.due_on, petition.counts_from)
        when = f"，{_days(due, today)}" if due else ""
        items.append((f"{petition.number} {petition.title}：{awaits_label(petition)}{when}",
                      reverse("petitions:detail", args=[petition.pk])))
    return items


def _mediation_items(user, today):
    if not has_role(user, MEDIATOR, COORDINATOR) or not user.has_perm("disputes.view_mediationcase"):
        return []
    conditions = mediation.queue_conditions(today)
    cases = (mediation.queue_cases(user)
             .filter(conditions["past-limit"] | conditions["signatures"] | conditions["windows"])
             .select_related("agreement").order_by("due_on", "pk"))
    items = []
    for case in cases:
        url = reverse("disputes:mediation_detail", args=[case.pk])
        if case.status in MediationCase.MEDIATION_STATUSES:
            items.append((_("%(number)s %(title)s: mediation past its time limit, %(when)s")
                          % {"number": case.number, "title": case.title, "when": _days(case.counted_due, today)}, url))
        elif case.status == MediationCase.Status.AGREED:
            items.append((_("%(number)s %(title)s: the agreement awaits the parties' signatures")
                          % {"number": case.agreement.number or case.number, "title": case.title}, url))
        else:
            items.append((_("%(number)s %(title)s: the judicial confirmation window closes on %(due)s")
                          % {"number": case.agreement.number or case.number, "title": case.title,
                             "due": case.agreement.confirmation_due_on}, url))
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
        items = _petition_items(user, today) + _mediation_items(user, today)
        if has_role(user, MEDIATOR):  # a post: a village committee files its rounds
            items += _missing_round_items(user, today)
        if items:
            reminders.append(Reminder(user, items))
    return reminders


def _digest(reminder, today):
    """(summary line, detail lines) of one person's digest."""
    summary = _("Reminders for %(date)s: %(count)d things waiting for you") % {
        "date": today, "count": len(reminder.items)}
    detail = "\n".join(text for text, _url in reminder.items)
    return summary[:300], detail


def send(today, *, dry_run=False, out=None):
    """Write today's digests and e-mail each person once a day; return (people, reminders, e-mails).

    ``people`` and ``reminders`` count the digests written or rewritten in this run and their lines;
    ``e-mails`` the e-mails sent — in a dry run, those that would be sent (nothing is stored or sent).
    """
    people = messages = mails = 0
    key = digest_key(today)
    reminders = collect(today)
    # Someone whose work was all done since this morning's digest: the digest says so.
    emptied = Notification.objects.filter(key=key).exclude(user__in=[r.user for r in reminders]).exclude(detail="")
    if not dry_run:
        emptied.update(text=_("Reminders for %(date)s: nothing is waiting for you any more") % {"date": today},
                       detail="", read_at=timezone.now())
    for reminder in reminders:
        summary, detail = _digest(reminder, today)
        with transaction.atomic():
            existing = Notification.objects.select_for_update().filter(user=reminder.user, key=key).first()
            if existing is not None and existing.text == summary and existing.detail == detail:
                continue
            people += 1
            messages += len(reminder.items)
            mail = existing is None and bool(reminder.user.email)
            mails += mail
            if out is not None:
                line = f"{reminder.user.username}: " + "; ".join(text for text, _url in reminder.items)
                if mail:
                    line += " " + _("[e-mail to %(address)s]") % {"address": reminder.user.email}
                out.write(line)
            if dry_run:
                continue
            if existing is None:
                # Yesterday's digest is superseded by today's: one digest open per person.
                Notification.objects.filter(user=reminder.user, key__startswith="digest:", read_at__isnull=True).update(
                    read_at=timezone.now())
                Notification.objects.create(user=reminder.user, key=key, text=summary, detail=detail,
                                            url=reverse("home"))
            else:
                existing.text, existing.detail = summary, detail
                existing.save(update_fields=["text", "detail"])
            if mail:
                body = "\n".join(f"- {text}" for text, _url in reminder.items)
                send_mail(
                    _("Reminders for %(date)s") % {"date": today},
                    _("%(name)s:\n\n%(items)s\n\nPlease log in to the system to handle them.")
                    % {"name": display_name(reminder.user), "items": body},
                    settings.DEFAULT_FROM_EMAIL, [reminder.user.email],
                )
    return people, messages, mails
