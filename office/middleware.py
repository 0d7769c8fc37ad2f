import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from .security import SEEN_AT


class StaffProfileMiddleware:
    """Show a clear page, not an error, to a signed-in user who has no staff profile yet."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not hasattr(user, "staff")
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not (user.is_superuser and request.path.startswith(reverse("admin:index")))
        ):
            return render(request, "office/no_staff_profile.html", status=403)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """End a session left idle for SESSION_IDLE_MINUTES (a shared office PC), and send the user to
    the login page, which brings them back to where they were (docs/domain.md §8).

    Every request of a signed-in user is activity; the time is written at most every 15 seconds.
    An htmx request is answered with HX-Redirect so that the whole page goes to the login.
    """

    KEY = SEEN_AT
    WRITE_EVERY = 15

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(self.KEY)
            if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
                return self._expired(request)
            if seen is None or now - seen >= self.WRITE_EVERY:
                request.session[self.KEY] = now
        return self.get_response(request)

    def _expired(self, request):
        # Back to the page the user was on: for htmx the page around the request, for a POST the
        # page its form was on (where the typed input is kept), else the address asked for.
        if request.headers.get("HX-Request"):
            back = request.headers.get("HX-Current-URL")
        else:
            back = request.headers.get("Referer") if request.method == "POST" else None
        if back and urlsplit(back).netloc == request.get_host():
            back = urlsplit(back)._replace(scheme="", netloc="").geturl()
        else:
            back = None
        logout(request)
        target = f"{reverse('login')}?{urlencode({'next': back or request.get_full_path(), 'idle': 1})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES with 413, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)
