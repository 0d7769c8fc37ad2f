"""The menu: which sections each role sees (docs/domain.md §1).

Sections follow the post (a clerk works petitions, a mediator disputes), so they are role
names; what a user may do inside a section is a model permission checked in ``permissions.py``.
"""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import (
    ADMIN,
    CLERK,
    COORDINATOR,
    COUNTY_ADMIN,
    COUNTY_CLERK,
    COUNTY_SUPERVISOR,
    HANDLER,
    LEADER,
    MEDIATOR,
    has_role,
)

SECTIONS = [
    # (url name, label, roles that see it)
    ("petitions:index", _("Petitions"), {CLERK, COORDINATOR, LEADER, HANDLER}),
    ("disputes:index", _("Disputes"), {COORDINATOR, LEADER, MEDIATOR, HANDLER}),
    ("reports:index", _("Reports"), {COORDINATOR, LEADER}),
    ("ledgerimport:index", _("Import ledgers"), {ADMIN, COORDINATOR}),
    # The county's own pages (docs/domain.md §10): its townships side by side.
    ("county:home", _("County"), {COUNTY_SUPERVISOR, COUNTY_CLERK}),
]


def section_roles(url_name):
    """Return the roles allowed into a section, by its URL name."""
    for name, _label, roles in SECTIONS:
        if name == url_name:
            return roles
    raise KeyError(url_name)


def menu_for(user):
    """Return the menu entries (url, label, url name) the user may open."""
    items = [
        (reverse(name), label, name) for name, label, roles in SECTIONS if has_role(user, *roles)
    ]
    if user.is_staff and (user.is_superuser or has_role(user, ADMIN, COUNTY_ADMIN)):
        items.append((reverse("admin:index"), _("Administration"), "admin:index"))
    return items
