"""Return visits by case class (一类 1 month, 二类 3 months, 三类 6 months), shared by petitions and mediation."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import calendar
from .models import TimeLimits
from .workflow import TransitionNotAllowed


class CaseClass(models.IntegerChoices):
    ONE = 1, _("Class 1")
    TWO = 2, _("Class 2")
    THREE = 3, _("Class 3")


class VisitMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


def return_visit_due(township, start, case_class):
    """Return the date a return visit is due: months by class after ``start``, on a working day."""
    limits = TimeLimits.for_township(township)
    months = {
        CaseClass.ONE: limits.return_visit_class1_months,
        CaseClass.TWO: limits.return_visit_class2_months,
        CaseClass.THREE: limits.return_visit_class3_months,
    }[CaseClass(case_class)]
    return calendar.add_months(start, months, township)


class ReturnVisitBase(models.Model):
    """One return visit: when it was due, when and how it was made, and what was found."""

    due_on = models.DateField(_("due"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=VisitMethod.choices, blank=True)
    reached = models.BooleanField(_("person reached"), null=True)
    result = models.TextField(_("result"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=15, choices=Satisfaction.choices, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("visited by"),
    )

    class Meta:
        abstract = True
        ordering = ["due_on", "pk"]


class EscalationBase(models.Model):
    """A request to raise a case one level on the ladder (docs/domain.md §2.4), decided by the person at
    that level; petitions and mediation cases each add the link to their case."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting sign-off")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Refused")

    from_level = models.ForeignKey(
        "office.EscalationLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("from level"),
    )
    to_level = models.ForeignKey(
        "office.EscalationLevel", on_delete=models.PROTECT, related_name="+", verbose_name=_("to level")
    )
    # Whose holder decides: the case's village for a village post, empty for a township post.
    village = models.ForeignKey(
        "office.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("village of the deciding post"),
    )
    # The ranks passed over because nobody held them for the case, and why, in words.
    passed_over = models.CharField(_("ranks passed over"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["requested_at", "pk"]


def schedule_return_visit(case, start, by=None):
    """Schedule the case's return visit, due by its class after ``start`` (the reply, the agreement's effect)."""
    visit = case.return_visits.model(due_on=return_visit_due(case.township, start, case.case_class),
                                     **{case.return_visits.field.name: case})
    # Not cleaned: "person reached" stays unknown (null) until the visit is made.
    visit._history_user = by
    visit.save()
    return visit


def record_return_visit(flow, case, *, by, visited_on, method, reached, result, satisfaction="", to_status,
                        since, since_message, none_message, expected_version=None):
    """Record the case's scheduled return visit (method, reached, result, satisfaction) through its Flow.

    ``since(case)`` is the first day a visit may be dated (the reply, the agreement), ``to_status`` the
    state the case moves to.
    """
    case = flow.lock(case, "record_return_visit", by, expected_version)
    visit = case.return_visits.select_for_update().filter(visited_on__isnull=True).order_by("due_on").first()
    if visit is None:
        raise TransitionNotAllowed(none_message)
    first = since(case)
    if visited_on is None or visited_on > timezone.localdate() or (first and visited_on < first):
        raise ValidationError({"visited_on": since_message})
    if not result.strip():
        raise ValidationError({"result": gettext("Write the result of the visit.")})
    visit.visited_on, visit.method, visit.reached = visited_on, method, reached
    visit.result, visit.satisfaction, visit.visited_by = result, satisfaction, by
    visit._history_user = by
    visit._change_reason = flow.labels("record_return_visit")
    visit.save()
    from_status = case.status
    case.status = to_status
    late = visited_on > visit.due_on
    flow.save(case, by, "record_return_visit", [], from_status=from_status,
              note=result + (" · " + gettext("later than due (%(due)s)") % {"due": visit.due_on} if late else ""))
    return visit
