from django.urls import path

from . import action_views, views

app_name = "petitions"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.register, name="register"),
    path("new/lookup/", views.lookup, name="lookup"),
    path("new/decision-due/", views.decision_due, name="decision_due"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/personal-data/", views.show_personal, name="show_personal"),
    path("<int:pk>/attachments/", views.add_attachment, name="add_attachment"),
    path("<int:pk>/registration.pdf", views.registration_pdf, name="registration_pdf"),
    path("<int:pk>/reply-preview.pdf", views.reply_preview, name="reply_preview"),
    path("attachments/<int:pk>/", views.download_attachment, name="download_attachment"),
    path("<int:pk>/documents/<int:document_id>/", views.download_document, name="download_document"),
    path("queues/<slug:queue>/", views.queue, name="queue"),
] + [
    path(f"<int:pk>/{name.replace('_', '-')}/", view, name=name)
    for name, view in action_views.ACTION_VIEWS.items()
]
