from django.shortcuts import render
from django.urls import reverse


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
