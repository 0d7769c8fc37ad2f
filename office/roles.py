"""The office's roles (docs/domain.md §1) as auth groups, and the model permissions each holds.

Group names are the Chinese role names the office uses; code refers to roles by key.
Each app's data migration calls ``grant`` with its own permissions, so a new feature
adds rights to roles in one place (its migration) rather than by hand in the admin.
``holders`` is the one query for "who holds role X here" (to notify, to appoint, to chase).
"""
from django.contrib.auth import get_user_model

CLERK = "clerk"
COORDINATOR = "coordinator"
LEADER = "leader"
HANDLER = "handler"
MEDIATOR = "mediator"
ADMIN = "admin"

ROLE_GROUPS = {
    CLERK: "登记员",
    COORDINATOR: "综治中心工作人员",
    LEADER: "领导",
    HANDLER: "承办人",
    MEDIATOR: "调解员",
    ADMIN: "系统管理员",
}

ALL_ROLES = list(ROLE_GROUPS)

# Office permissions granted by the foundation migration.
OFFICE_PERMISSIONS = {
    CLERK: ["office.view_village", "office.view_unit", "office.view_personal_data"],
    COORDINATOR: [
        "office.view_village",
        "office.view_unit",
        "office.view_staff",
        "office.view_personal_data",
        "office.export_data",
    ],
    LEADER: [
        "office.view_village",
        "office.view_unit",
        "office.view_staff",
        "office.view_personal_data",
        "office.export_data",
    ],
    HANDLER: ["office.view_village", "office.view_unit"],
    MEDIATOR: ["office.view_village", "office.view_personal_data"],
    ADMIN: [
        f"office.{action}_{model}"
        for model in [
            "township",
            "village",
            "unit",
            "staff",
            "escalationlevel",
            "timelimits",
            "calendaroverride",
        ]
        for action in ["add", "change", "delete", "view"]
    ]
    + [
        "office.view_accesslog",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
    ],
}


def grant(apps, role_permissions):
    """Create the role groups if missing and give each the listed "app.codename" permissions.

    Meant for data migrations: permissions are normally created after migrate, so they
    are created here first for the apps already migrated.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Migration state apps have no models module; create_permissions skips those.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def role_keys(user):
    """Return the set of role keys the user holds (cached on the user object)."""
    cached = getattr(user, "_role_keys", None)
    if cached is None:
        names = {name: key for key, name in ROLE_GROUPS.items()}
        cached = {names[g] for g in user.groups.values_list("name", flat=True) if g in names}
        user._role_keys = cached
    return cached


def has_role(user, *roles):
    """Return True when the user holds any of the given roles."""
    return bool(role_keys(user) & set(roles))


def holders(role=None, *, township, village=None, unit=None, ladder_level=None):
    """Return the township's active users holding the role, narrowed to a village, a unit or a ladder rung.

    ``role=None`` asks only for the rung (docs/domain.md §2.4: who decides an escalation). Each
    argument takes an object or its id; one query, to which callers add their select_related and order.
    """
    users = get_user_model().objects.filter(staff__township=township, is_active=True)
    if role is not None:
        users = users.filter(groups__name=ROLE_GROUPS[role])
    if village is not None:
        users = users.filter(staff__village=village)
    if unit is not None:
        users = users.filter(staff__unit=unit)
    if ladder_level is not None:
        users = users.filter(staff__ladder_level=ladder_level)
    return users


# Granted by office migration 0004, once Person exists; revoked again by 0010 (people are not in the
# admin, docs/domain.md §8). Kept because 0004 imports it.
PERSON_PERMISSIONS = {
    ADMIN: ["office.view_person", "office.change_person", "office.view_historicalperson"],
}

# Granted by office migration 0009, once Targets exists: 系统管理 edits each township's targets.
TARGETS_PERMISSIONS = {
    ADMIN: [f"office.{action}_targets" for action in ["add", "change", "view"]],
}

# Granted by office migration 0010, once the calendar years and document prefixes exist.
NOTICE_SETUP_PERMISSIONS = {
    ADMIN: [f"office.{action}_{model}" for model in ["calendaryear", "documentseries"]
            for action in ["add", "change", "delete", "view"]],
}
