import math
import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import escalation
from .models import AccessLog, Notification
from .navigation import section_roles
from .roles import has_role


@login_not_required
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def lockout(request, credentials, *args, **kwargs):
    """Render the lockout page with the minutes left (django-axes AXES_LOCKOUT_CALLABLE)."""
    from axes.models import AccessAttempt

    cooloff = settings.AXES_COOLOFF_TIME
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    last = (
        AccessAttempt.objects.filter(username=username)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    until = (last or timezone.now()) + cooloff
    seconds_left = max(0, (until - timezone.now()).total_seconds())
    context = {"minutes_left": max(1, math.ceil(seconds_left / 60)), "until": until}
    return render(request, "registration/locked_out.html", context, status=403)


def require_section(request, url_name):
    """Raise PermissionDenied unless the user's role may open this section of the menu."""
    if not has_role(request.user, *section_roles(url_name)):
        raise PermissionDenied


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
    page = Paginator(mine, settings.NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
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
