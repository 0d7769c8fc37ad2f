from django.urls import path

from . import county_views

app_name = "county"

urlpatterns = [
    path("", county_views.home, name="home"),
    path("assign/", county_views.assign, name="assign"),
    path("export/monthly/", county_views.export_monthly, name="export_monthly"),
    path("export/year-review/", county_views.export_year_review, name="export_year_review"),
    path("townships/<int:township>/rounds/", county_views.township_rounds, name="township_rounds"),
    path("townships/<int:township>/<slug:key>/", county_views.township_cases, name="township_cases"),
]
