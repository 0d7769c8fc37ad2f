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

# People's mediation (人民调解).
from . import mediation_views  # noqa: E402

urlpatterns += [
    path("mediation/", mediation_views.case_list, name="mediation_list"),
    path("mediation/queue/", mediation_views.queue, name="mediation_queue"),
    path("mediation/new/", mediation_views.new_case, name="mediation_new"),
    path("entries/<int:pk>/open-mediation/", mediation_views.open_from_entry, name="entry_open_mediation"),
    path("mediation/from-petition/<int:pk>/", mediation_views.open_from_petition, name="mediation_from_petition"),
    path("mediation/<int:pk>/", mediation_views.detail, name="mediation_detail"),
    path("mediation/<int:pk>/agreement/", mediation_views.agreement_edit, name="mediation_agreement"),
    path("mediation/<int:pk>/agreement/correct/", mediation_views.agreement_correct, name="mediation_correct"),
    path("mediation/<int:pk>/agreement/draft.pdf", mediation_views.agreement_draft_pdf, name="mediation_draft_pdf"),
    path("mediation/<int:pk>/documents/<int:document_id>/", mediation_views.document, name="mediation_document"),
    path("mediation/<int:pk>/registration.pdf", mediation_views.application_pdf, name="mediation_application_pdf"),
    path("mediation/<int:pk>/visits/<int:visit_id>.pdf", mediation_views.return_visit_pdf, name="mediation_visit_pdf"),
] + [
    path(f"mediation/<int:pk>/{name.replace('_', '-')}/", view, name=f"mediation_{name}")
    for name, view in mediation_views.ACTION_VIEWS.items()
]
