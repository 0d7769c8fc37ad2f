import math

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

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


def home(request):
    return render(request, "office/home.html")
