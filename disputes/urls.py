from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/parties/add/", views.entry_add_party, name="entry_add_party"),
    path("entries/<int:pk>/resolve/", views.entry_resolve, name="entry_resolve"),
    path("entries/<int:pk>/unresolved/", views.entry_mark_unresolved, name="entry_mark_unresolved"),
    path("entries/<int:pk>/transfer/", views.entry_transfer, name="entry_transfer"),
    path("entries/<int:pk>/meeting/", views.entry_meeting, name="entry_meeting"),
    path("entries/<int:pk>/mediation/", views.entry_mediation, name="entry_mediation"),
    path("compliance/", views.compliance, name="compliance"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("brief/", views.brief, name="brief"),
    path("brief/pdf/", views.brief_download, name="brief_pdf"),
]
