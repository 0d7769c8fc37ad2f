"""The disputes app's URLs: dispute screening (disputes/screening/) and people's mediation
(disputes/mediation/) under one namespace, so the URL names are those the templates reverse."""
from django.urls import path

from .mediation import views as mediation
from .screening import views as screening

app_name = "disputes"

urlpatterns = [
    path("", screening.index, name="index"),
    path("export/", screening.export, name="export"),
    path("rounds/", screening.round_list, name="round_list"),
    path("rounds/new/", screening.round_new, name="round_new"),
    path("rounds/<int:pk>/", screening.round_detail, name="round_detail"),
    path("rounds/<int:pk>/withdraw/", screening.round_withdraw, name="round_withdraw"),
    path("entries/<int:pk>/", screening.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/personal-data/", screening.entry_show_personal, name="entry_show_personal"),
    path("entries/<int:pk>/edit/", screening.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/parties/add/", screening.entry_add_party, name="entry_add_party"),
    path("entries/<int:pk>/resolve/", screening.entry_resolve, name="entry_resolve"),
    path("entries/<int:pk>/unresolved/", screening.entry_mark_unresolved, name="entry_mark_unresolved"),
    path("entries/<int:pk>/transfer/", screening.entry_transfer, name="entry_transfer"),
    path("entries/<int:pk>/meeting/", screening.entry_meeting, name="entry_meeting"),
    path("entries/<int:pk>/mediation/", screening.entry_mediation, name="entry_mediation"),
    path("compliance/", screening.compliance, name="compliance"),
    path("campaigns/new/", screening.campaign_new, name="campaign_new"),
    path("brief/", screening.brief, name="brief"),
    path("brief/pdf/", screening.brief_download, name="brief_pdf"),
]

# People's mediation (人民调解).
urlpatterns += [
    path("mediation/", mediation.case_list, name="mediation_list"),
    path("mediation/queue/", mediation.queue, name="mediation_queue"),
    path("mediation/new/", mediation.new_case, name="mediation_new"),
    path("entries/<int:pk>/open-mediation/", mediation.open_from_entry, name="entry_open_mediation"),
    path("mediation/from-petition/<int:pk>/", mediation.open_from_petition, name="mediation_from_petition"),
    path("mediation/<int:pk>/", mediation.detail, name="mediation_detail"),
    path("mediation/<int:pk>/personal-data/", mediation.show_personal, name="mediation_show_personal"),
    path("mediation/<int:pk>/agreement/", mediation.agreement_edit, name="mediation_agreement"),
    path("mediation/<int:pk>/agreement/correct/", mediation.agreement_correct, name="mediation_correct"),
    path("mediation/<int:pk>/agreement/draft.pdf", mediation.agreement_draft_pdf, name="mediation_draft_pdf"),
    path("mediation/<int:pk>/documents/<int:document_id>/", mediation.document, name="mediation_document"),
    path("mediation/<int:pk>/registration.pdf", mediation.application_pdf, name="mediation_application_pdf"),
    path("mediation/<int:pk>/visits/<int:visit_id>.pdf", mediation.return_visit_pdf, name="mediation_visit_pdf"),
] + [
    path(f"mediation/<int:pk>/{name.replace('_', '-')}/", view, name=f"mediation_{name}")
    for name, view in mediation.ACTION_VIEWS.items()
]
