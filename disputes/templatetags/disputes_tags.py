"""Small template helpers for the screening pages."""
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from office.masking import mask_address, mask_id_number, mask_phone

register = template.Library()


@register.simple_tag
def days_left(entry, today):
    """The days to an open entry's deadline, coloured: overdue, due within 3 days, or fine."""
    days = entry.days_left(today)
    if days is None:
        return ""
    if days < 0:
        return format_html('<span class="days-overdue">{}</span>', _("%(days)s days overdue") % {"days": -days})
    if days == 0:
        return format_html('<span class="days-overdue">{}</span>', _("due today"))
    css = "days-soon" if days <= 3 else "days-ok"
    return format_html('<span class="{}">{}</span>', css, _("%(days)s days left") % {"days": days})


@register.inclusion_tag("disputes/includes/_risk_badge.html")
def risk_badge(level):
    return {"level": level}


STATUS_CSS = {
    "in_progress": "text-bg-primary",
    "resolved": "text-bg-success",
    "unresolved": "text-bg-danger",
    "transferred": "text-bg-secondary",
}


@register.simple_tag
def status_badge(entry_or_status, label=None):
    """A badge for an entry's status (or a raw status value with its label)."""
    if hasattr(entry_or_status, "get_status_display"):
        value, label = entry_or_status.status, entry_or_status.get_status_display()
    else:
        value = entry_or_status
    return format_html('<span class="badge {}">{}</span>', STATUS_CSS.get(value, "text-bg-light"), label)


@register.filter
def mask(value, kind):
    """Mask an ID number, phone or address: ``{{ person.phone|mask:"phone" }}``."""
    return {"id": mask_id_number, "phone": mask_phone, "address": mask_address}[kind](value)


MEDIATION_CSS = {
    "registered": "text-bg-secondary",
    "mediating": "text-bg-primary",
    "agreed": "text-bg-info",
    "performing": "text-bg-warning",
    "performed": "text-bg-success",
    "visited": "text-bg-success",
    "archived": "text-bg-dark",
    "terminated": "text-bg-danger",
}


@register.simple_tag
def mediation_badge(case):
    """A badge for a mediation case's status."""
    return format_html(
        '<span class="badge {}" data-testid="mediation-status" data-status="{}">{}</span>',
        MEDIATION_CSS.get(case.status, "text-bg-light"), case.status, case.get_status_display(),
    )
