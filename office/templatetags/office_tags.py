"""Template helpers shared by every app: days left in colour, masked personal data."""
from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from office import masking
from office.adoption import counted_deadline
from office.calendar import days_left, is_provisional
from office.models import display_name

register = template.Library()


def _township(context):
    """The signed-in user's township, whose calendar decides whether a date is provisional (office/setup.py)."""
    return getattr(context.get("staff"), "township", None)


@register.simple_tag(takes_context=True)
def due_badge(context, due, today=None, soon=3, since=None):
    """Render a due date with the days left: red when overdue, amber within ``soon`` days.

    ``since``: the case's ``counts_from`` — an imported case's deadline counts from the day it came into the
    system, never from before (office/adoption.py)."""
    if not due:
        return ""
    due = counted_deadline(due, since)
    today = today or timezone.localdate()
    left = days_left(due, today)
    if left < 0:
        css, text = "days-overdue", ngettext("%(n)d day overdue", "%(n)d days overdue", -left) % {"n": -left}
    elif left == 0:
        css, text = "days-soon", _("due today")
    elif left <= soon:
        css, text = "days-soon", ngettext("%(n)d day left", "%(n)d days left", left) % {"n": left}
    else:
        css, text = "days-ok", ngettext("%(n)d day left", "%(n)d days left", left) % {"n": left}
    # A date in a year whose official holiday schedule is not known yet (docs/domain.md §2.2).
    provisional = format_html(' <small class="text-muted" title="{}">{}</small>',
                              _("computed from the statutory holidays; the year's official schedule is not entered yet"),
                              _("provisional")) if is_provisional(due, _township(context)) else ""
    return format_html(
        '<span class="due {}" data-days-left="{}"><span class="text-nowrap">{}</span>{} <small>({})</small></span>',
        css, left, due.strftime("%Y-%m-%d"), provisional, text,
    )


@register.filter
def mask_id(value):
    return masking.mask_id_number(value)


@register.filter
def mask_phone(value):
    return masking.mask_phone(value)


@register.filter
def mask_address(value):
    return masking.mask_address(value)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """Return the current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def person_name(user):
    """A user's full name, or the username, or a dash when there is none."""
    if user is None:
        return "—"
    return display_name(user)


@register.filter
def clause(value):
    """Free text placed before more punctuation: without its own closing punctuation (no "。，")."""
    return str(value or "").strip().rstrip("。，,；;：:．. ")
