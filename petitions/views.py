from django.shortcuts import render

from office.views import require_section


def index(request):
    require_section(request, "petitions:index")
    return render(request, "petitions/index.html")
