"""Return visits by case class (一类 1 month, 二类 3 months, 三类 6 months), shared by petitions and mediation."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import calendar
from .models import TimeLimits


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
    return calendar.add_months(start, months)


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
