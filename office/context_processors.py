from django.conf import settings
from django.utils import timezone

from . import calendar
from .navigation import menu_for
from .roles import ADMIN, COORDINATOR, COUNTY_ADMIN, LEADER, ROLE_GROUPS, county_scope, reads_county, role_keys


def office(request):
    """Put the township, the user's roles and the menu into every template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # Before login: the township's name when the installation serves just one.
        from .models import Township

        names = list(Township.objects.values_list("name", flat=True)[:2])
        return {
            "office_name": settings.OFFICE_NAME or (names[0] if len(names) == 1 else ""),
            "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        }
    staff = getattr(user, "staff", None)
    keys = role_keys(user)
    # Administrators and the center are told from 1 November that the coming year's official
    # holiday schedule is missing (docs/domain.md §2.2).
    warn = user.is_staff or bool(keys & {ADMIN, COORDINATOR})
    return {
        "calendar_missing_year": (calendar.missing_schedule_year(timezone.localdate(), getattr(staff, "township", None),
                                                                 getattr(staff, "county_id", None))
                                  if warn else None),
        "office_name": str(staff.township or staff.county) if staff else settings.OFFICE_NAME,
        "staff": staff,
        "role_names": [ROLE_GROUPS[key] for key in sorted(keys)],
        "menu": menu_for(user),
        # The menu's counts (open tasks, 提级至我处, the work queues) come from
        # reports.context_processors.work_queues, in one query.
        # Leaders (and administrators, a county's too) read the record of role and status changes (§8, §10).
        "sees_account_changes": user.is_superuser or bool(keys & {LEADER, ADMIN})
        or county_scope(user, COUNTY_ADMIN) is not None,
        # The county's 县级督办 reads the townships' disputes too (docs/domain.md §10): their sub-menu.
        "county_reader": reads_county(user),
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
    }
