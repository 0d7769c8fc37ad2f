from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from office import views as office_views
from office.forms import LoginForm, StaffPasswordChangeForm
from reports import views as report_views

urlpatterns = [
    path("", report_views.dashboard, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(form_class=StaffPasswordChangeForm), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/session/", office_views.keep_session, name="keep_session"),
    path("accounts/lockouts/", office_views.lockouts, name="lockouts"),
    path("accounts/lockouts/<int:pk>/unlock/", office_views.unlock, name="unlock"),
    path("accounts/changes/", office_views.account_changes, name="account_changes"),
    path("healthz", office_views.healthz, name="healthz"),
    path("notifications/", office_views.notifications, name="notifications"),
    path("notifications/<int:pk>/open/", office_views.open_notification, name="open_notification"),
    path("notifications/read-all/", office_views.read_all_notifications, name="read_all_notifications"),
    path("escalations/", office_views.escalation_queue, name="escalation_queue"),
    path("petitions/", include("petitions.urls")),
    path("disputes/", include("disputes.urls")),
    path("reports/", include("reports.urls")),
    path("county/", include("reports.county_urls")),
    path("imports/", include("ledgerimport.urls")),
    path("jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
]
