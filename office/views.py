import re

from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import accounts, escalation, security
from .models import AccessLog, AccountChange, Notification
from .navigation import section_roles
from .pagination import keyset_page
from .roles import (
    ADMIN,
    COUNTY_ADMIN,
    LEADER,
    administered_logins,
    county_scope,
    has_role,
    read_only_refusal,
    reads_county,
)


@login_not_required
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def lockout(request, credentials, *args, **kwargs):
    """Render the lockout page with the minutes left (django-axes AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes_left, until = security.minutes_locked(request, username)
    return render(request, "registration/locked_out.html", {"minutes_left": minutes_left, "until": until}, status=403)


def administers_logins(user):
    """A superuser, a township's 系统管理员 or a 县级管理员: lifts lockouts of the logins in their scope
    (office/roles.py ``administered_logins``)."""
    return user.is_superuser or has_role(user, ADMIN) or county_scope(user, COUNTY_ADMIN) is not None


def _require_administrator(request):
    if not administers_logins(request.user):
        raise PermissionDenied


@require_GET
def lockouts(request):
    """The locked logins of the administrator's township (or county), each with a button to lift the lock."""
    _require_administrator(request)
    return render(request, "office/lockouts.html", {
        "attempts": security.lockouts_for(request.user), "limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


@require_POST
def unlock(request, pk):
    """Lift one lock (a username on one client address) at once, and record who lifted it."""
    _require_administrator(request)
    attempt = get_object_or_404(security.lockouts_for(request.user), pk=pk)
    with transaction.atomic():
        account = get_user_model().objects.get(username=attempt.username)
        accounts.record(account, AccountChange.Kind.UNLOCKED, attempt.ip_address or "", "", by=request.user)
        reset(username=attempt.username, ip=attempt.ip_address)
    messages.success(request, _("The login %(username)s can be used again.") % {"username": attempt.username})
    return redirect("lockouts")


@require_GET
def account_changes(request):
    """Every change to the roles, active status or lockout of the logins an administrator administers (a
    leader: their township's), newest first."""
    user = request.user
    if not (administers_logins(user) or has_role(user, LEADER)):
        raise PermissionDenied
    changes = AccountChange.objects.select_related("user__staff", "by__staff")
    scope = administered_logins(user)
    if scope is not None:
        if has_role(user, LEADER):  # a leader reads their township's record (docs/domain.md §8)
            staff = getattr(user, "staff", None)
            scope |= Q(staff__township_id=staff.township_id if staff and staff.township_id else -1)
        changes = changes.filter(user__in=get_user_model().objects.filter(scope).values("pk"))
    page = keyset_page(request, changes, settings.LIST_PAGE_SIZE)
    return render(request, "office/account_changes.html", {"page": page})


def require_section(request, url_name, *, county_reads=False):
    """Raise PermissionDenied unless the user's role may open this section of the menu. ``county_reads``: a
    read page the county's 县级督办 opens too (docs/domain.md §10); on any other page a county user is told
    why not: the county reads the townships' cases and changes nothing."""
    if has_role(request.user, *section_roles(url_name)) or (county_reads and reads_county(request.user)):
        return
    raise PermissionDenied(read_only_refusal(request.user))


def reveal_personal(request, obj, people, what):
    """Log that the user opened the full ID numbers, phones and addresses of ``people`` (Person ids)
    on the case ``obj``; ``what`` names it in the log (docs/domain.md §5).

    The one way a page reveals personal data: a POST to the area's ``show_personal`` view, which
    checks the area's right first and then renders the page unmasked. A GET reveals nothing.
    """
    if request.method != "POST":
        raise PermissionDenied
    key = re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()  # petition, ledger_entry, mediation_case
    AccessLog.objects.create(
        user=request.user,
        action=AccessLog.Action.SHOW_PERSONAL,
        target=str(what)[:200],
        detail={key: obj.pk, "people": list(people)},
    )


def notifications(request):
    """The user's in-app notifications, newest first."""
    mine = Notification.objects.filter(user=request.user)
    page = keyset_page(request, mine, settings.NOTIFICATIONS_PAGE_SIZE)
    has_unread = mine.filter(read_at__isnull=True).exists()
    return render(request, "office/notifications.html", {"page": page, "has_unread": has_unread})


@require_POST
def open_notification(request, pk):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else ""
    return redirect(target or "notifications")


@require_POST
def read_all_notifications(request):
    """Mark every unread notification of the user read."""
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")


@require_GET
def escalation_queue(request):
    """提级至我处: the escalations of petitions and mediation cases this user is asked to decide, and those decided."""
    if escalation.asked(request.user) is None:
        raise PermissionDenied
    pending, decided = escalation.asked_escalations(request.user)
    return render(request, "office/escalations.html", {"pending": pending, "decided": decided})


@require_POST
def keep_session(request):
    """The page's "continue working" button: the request itself is the activity (IdleTimeoutMiddleware)."""
    return HttpResponse(status=204)
