from django.urls import path

from . import views

app_name = "ledgerimport"

urlpatterns = [
    path("", views.index, name="index"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/undo/", views.undo, name="undo"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/values/", views.value_map, name="value_map"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
]
