from django.shortcuts import render

from office.views import require_section


def index(request):
    require_section(request, "reports:index")
    return render(request, "reports/index.html")
