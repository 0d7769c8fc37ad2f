"""The signed-in user, loaded once per request with everything every page reads (docs/architecture.md §15).

Django's ModelBackend reads the user, then (lazily, each in its own query) the staff profile, its
township, unit, village and rank, the user's groups, and their permissions twice. This backend reads
the user with the staff profile, its township (and the township's time limits and targets), unit, village and
rank in one joined query, and the role names with every permission in one more: two queries for
the whole request, whatever the page asks afterwards (``has_role``, ``has_perm``, ``user.staff``).
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Exists, OuterRef, Value

from .roles import ROLE_GROUPS

PROFILE = ("staff__township__time_limits", "staff__township__targets", "staff__unit", "staff__village", "staff__ladder_level")


def load_rights(user):
    """Read the user's role names and permissions in one query and keep them on the user object, where
    ``office.roles.role_keys`` and Django's permission checks look first."""
    from_groups = Group.objects.filter(user=user).order_by().values_list(
        "name", "permissions__content_type__app_label", "permissions__codename")
    own = Permission.objects.filter(user=user).order_by().values_list(
        Value("", output_field=CharField()), "content_type__app_label", "codename")
    keys_by_name = {name: key for key, name in ROLE_GROUPS.items()}
    roles: set[str] = set()
    group_perms: set[str] = set()
    user_perms: set[str] = set()
    for group, app_label, codename in from_groups.union(own, all=True):
        if group in keys_by_name:
            roles.add(keys_by_name[group])
        if codename is None:
            continue
        (group_perms if group else user_perms).add(f"{app_label}.{codename}")
    user._role_keys = roles
    if not user.is_superuser:  # a superuser holds every permission: Django's own path reads them
        user._user_perm_cache = user_perms
        user._group_perm_cache = group_perms
        user._perm_cache = user_perms | group_perms
    return user


class StaffBackend(ModelBackend):
    """ModelBackend whose ``get_user`` (run once per request by the session) also loads the staff profile,
    the roles and the permissions (two queries in all)."""

    def get_user(self, user_id):
        from django.apps import apps

        petition = apps.get_model("petitions", "Petition")
        # Whether any case names the user or has their recusal: almost never, and then the visibility rule
        # needs no condition for it on any list or count (petitions/selectors.py never_sees).
        users = get_user_model()._default_manager.select_related(*PROFILE).annotate(
            has_recusals=Exists(petition.recused.through.objects.filter(user_id=OuterRef("pk"))),
            is_named_in_cases=Exists(petition.complained_staff.through.objects.filter(user_id=OuterRef("pk"))),
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        return load_rights(user)
