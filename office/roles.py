"""The office's roles (docs/domain.md §1) as auth groups, and the model permissions each holds.

Group names are the Chinese role names the office uses; code refers to roles by key.
Each app's data migration calls ``grant`` with its own permissions, so a new feature
adds rights to roles in one place (its migration) rather than by hand in the admin.
``holders`` is the one query for "who holds role X here" (to notify, to appoint, to chase).
"""
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

CLERK = "clerk"
COORDINATOR = "coordinator"
LEADER = "leader"
HANDLER = "handler"
MEDIATOR = "mediator"
ADMIN = "admin"
# The county's own staff (docs/domain.md §10): they work for a county, not a township.
COUNTY_SUPERVISOR = "county_supervisor"
COUNTY_ADMIN = "county_admin"
# Registers a petition at the county and assigns (交办) or forwards (转送) it to a township.
COUNTY_CLERK = "county_clerk"
# Given beside 县级督办 to a county user who may see full personal data (masked otherwise).
COUNTY_PERSONAL_DATA = "county_personal_data"

ROLE_GROUPS = {
    CLERK: "登记员",
    COORDINATOR: "综治中心工作人员",
    LEADER: "领导",
    HANDLER: "承办人",
    MEDIATOR: "调解员",
    ADMIN: "系统管理员",
    COUNTY_SUPERVISOR: "县级督办",
    COUNTY_ADMIN: "县级管理员",
    COUNTY_CLERK: "县级登记员",
    COUNTY_PERSONAL_DATA: "县级查看个人信息",
}
COUNTY_ROLES = {COUNTY_SUPERVISOR, COUNTY_ADMIN, COUNTY_CLERK, COUNTY_PERSONAL_DATA}
# The county roles that read the county's cases (docs/domain.md §10).
COUNTY_READERS = (COUNTY_SUPERVISOR, COUNTY_CLERK)

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


def county_scope(user, *roles):
    """The id of the county a county-level user works for, when they hold one of ``roles`` (any county
    role when none is named); else None. The one place a county post is read (docs/domain.md §10):
    visibility, permissions, the admin and the county pages all ask it."""
    staff = getattr(user, "staff", None)
    if staff is None or staff.county_id is None or not user.is_active:
        return None
    return staff.county_id if has_role(user, *(roles or COUNTY_ROLES)) else None


def reads_county(user):
    """True for a county user who reads the county's cases (县级督办, 县级登记员): read-only, docs/domain.md §10."""
    return county_scope(user, *COUNTY_READERS) is not None


def read_only_refusal(user):
    """Why a change is refused, in words, to a county user who reads the townships' cases; "" for anyone
    else (their refusal is the page's own). The one reason every change page gives the county."""
    if not reads_county(user):
        return ""
    return _("The county reads the townships' cases and changes nothing: the township's own staff do this.")


def administered_townships(user):
    """The ids of the townships whose setup the user administers in 系统管理: None for a superuser (all);
    a 县级管理员 every township of their county; a 系统管理员 their own; anyone else none."""
    if user.is_superuser:
        return None
    from .models import Township

    county_id = county_scope(user, COUNTY_ADMIN)
    if county_id is not None:
        return list(Township.objects.filter(county_id=county_id).values_list("pk", flat=True))
    staff = getattr(user, "staff", None)
    if staff is not None and staff.township_id is not None and has_role(user, ADMIN):
        return [staff.township_id]
    return []


def administered_logins(user):
    """The condition on logins (users) whose lockouts an administrator lifts and whose account changes they
    read: None for a superuser (all); a 县级管理员 the staff of the county's townships and the county's own
    staff; a 系统管理员 their township's staff; never a superuser's login (docs/domain.md §8, §10)."""
    if user.is_superuser:
        return None
    scope = Q(staff__township_id__in=administered_townships(user))
    county_id = county_scope(user, COUNTY_ADMIN)
    if county_id is not None:
        scope |= Q(staff__county_id=county_id)
    return scope & Q(is_superuser=False)


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

# Granted by office migration 0014 with the county (docs/domain.md §10): the 县级管理员 sets up the county's
# townships and their staff and the shared lists; the 县级督办 reads (its rights are scopes, not
# permissions); 县级查看个人信息 lets a 县级督办 reveal personal data (logged, as in a township).
_SETUP = ["township", "village", "unit", "staff", "timelimits", "targets", "calendaroverride", "calendaryear",
          "documentseries"]
COUNTY_PERMISSIONS = {
    COUNTY_ADMIN: [f"office.{action}_{model}" for model in _SETUP for action in ["add", "change", "delete", "view"]]
    + ["office.view_county", "office.change_county", "office.view_accesslog", "office.view_accountchange",
       "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group",
       "petitions.add_contentcategory", "petitions.change_contentcategory", "petitions.view_contentcategory",
       "disputes.add_disputetype", "disputes.change_disputetype", "disputes.view_disputetype"],
    COUNTY_SUPERVISOR: ["office.view_village", "office.view_unit", "office.view_staff", "office.export_data"],
    COUNTY_PERSONAL_DATA: ["office.view_personal_data"],
    COUNTY_CLERK: ["office.view_village", "office.view_unit", "petitions.register_petition"],
}
