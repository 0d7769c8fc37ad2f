from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.index, name="index"),
]
