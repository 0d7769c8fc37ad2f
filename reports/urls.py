from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures/<slug:key>/", views.figure_cases, name="figure_cases"),
    path("export/petitions/", views.export_petition_ledger, name="export_petitions"),
    path("export/monthly/", views.export_monthly, name="export_monthly"),
    path("export/mediation/", views.export_mediation_ledger, name="export_mediation"),
    path("export/year-review/", views.export_year_review, name="export_year_review"),
    path("export/annual/", views.export_annual, name="export_annual"),
]
