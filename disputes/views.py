from django.shortcuts import render

from office.views import require_section


def index(request):
    require_section(request, "disputes:index")
    return render(request, "disputes/index.html")
