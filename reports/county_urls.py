from django.urls import path

from . import county_views

app_name = "county"

urlpatterns = [
    path("", county_views.home, name="home"),
    path("townships/<int:township>/<slug:key>/", county_views.township_cases, name="township_cases"),
]
