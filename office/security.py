"""Logins on a shared office PC (docs/domain.md §8): the real client address behind the proxy,
the tries left before a lockout, the lockouts an administrator may lift, and the demo password.
"""
import ipaddress
import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .roles import administered_logins

SEEN_AT = "seen_at"  # the session key of the last activity (office/middleware.py IdleTimeoutMiddleware)


@receiver(user_logged_in)
def _start_the_idle_clock(sender, request, user, **kwargs):
    """Logging in is activity: stamp it with the login, so the first page need not write the session."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_AT] = int(time.time())


def _is_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request):
    """Return the client's address: REMOTE_ADDR, or, when the request comes from a trusted proxy
    (``TRUSTED_PROXIES``), the address that proxy wrote into ``CLIENT_IP_HEADER``.

    The header is read only from a trusted proxy, so a client cannot name its own address; in
    X-Forwarded-For the right-most address not itself a trusted proxy is the one the proxy saw.
    (django-axes calls this through ``AXES_CLIENT_IP_CALLABLE``.)
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted or remote not in trusted:
        return remote
    header = request.META.get(settings.CLIENT_IP_HEADER, "")
    for candidate in reversed([part.strip() for part in header.split(",") if part.strip()]):
        if candidate not in trusted:
            return candidate if _is_address(candidate) else remote
    return remote


def _attempts(username, ip_address=None):
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username=username)
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return attempts


def tries_left(request, username):
    """How many more wrong passwords this username may enter from this client before it is locked."""
    failures = sum(_attempts(username, client_ip(request)).values_list("failures_since_start", flat=True))
    return max(0, settings.AXES_FAILURE_LIMIT - failures)


def minutes_locked(request, username):
    """Whole minutes (at least 1) until this username may try again from this client."""
    last = _attempts(username, client_ip(request)).order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    until = (last or timezone.now()) + settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(max(0, (until - timezone.now()).total_seconds()) / 60)), until


def lockouts_for(user):
    """The locked logins (username and client address) the administrator ``user`` may lift:
    accounts of their township (a 县级管理员: of their county, office/roles.py ``administered_logins``), or
    of any township for a superuser; newest first."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    users = get_user_model().objects.all()
    scope = administered_logins(user)
    if scope is not None:
        users = users.filter(scope)
    return attempts.filter(username__in=users.values("username")).order_by("-attempt_time")


def demo_password_refused(password):
    """True when ``password`` is the demo accounts' password and this is not a demo (DEBUG off)."""
    return not settings.DEBUG and bool(settings.DEMO_PASSWORD) and password == settings.DEMO_PASSWORD
