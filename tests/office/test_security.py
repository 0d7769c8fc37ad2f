"""The office PC hardening: Content-Security-Policy, sessions, lockout, role grants, passwords, uploads."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _csp(response):
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )


@pytest.mark.parametrize("url_name", ["login", "home"])
def test_every_page_sends_a_strict_content_security_policy(client, clerk, url_name):
    if url_name == "home":
        client.force_login(clerk)
    policy = _csp(client.get(reverse(url_name)))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_no_template_carries_inline_script_or_event_handlers():
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        offenders += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        offenders += [f"{path}: {m}" for m in re.findall(r"\bhx-on\b|javascript:", text)]
    assert not offenders


# --- Sessions on a shared PC -------------------------------------------------------------------

def test_session_ends_at_browser_close_and_after_the_idle_limit(client, clerk, settings):
    import time_machine
    from django.utils import timezone

    from tests.builders import PASSWORD

    settings.SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
        assert response.status_code == 302
        assert client.cookies["sessionid"]["expires"] == ""  # a browser-session cookie
        clock.shift(29 * 60)
        assert client.get(reverse("petitions:index")).status_code == 200  # activity restarts the clock
        clock.shift(29 * 60)
        assert client.get(reverse("petitions:index")).status_code == 200
        clock.shift(31 * 60)
        response = client.get(reverse("petitions:index") + "?q=x")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fpetitions%2F%3Fq%3Dx&idle=1"
    assert "_auth_user_id" not in client.session
    body = client.get(response["Location"]).content.decode()
    assert "未操作" in body and "30" in body


def test_an_expired_htmx_request_sends_the_whole_page_to_the_login(client, clerk, settings):
    import time_machine
    from django.utils import timezone

    client.force_login(clerk)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(reverse("petitions:index"))
        clock.shift(31 * 60)
        response = client.get(
            reverse("petitions:index"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/petitions/new/"
        )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Fpetitions%2Fnew%2F&idle=1"


def test_an_expired_post_returns_to_the_page_its_form_was_on(client, clerk):
    import time_machine
    from django.utils import timezone

    client.force_login(clerk)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(reverse("petitions:index"))
        clock.shift(31 * 60)
        response = client.post(reverse("petitions:register"), {"p-title": "x"},
                               HTTP_REFERER="http://testserver/petitions/new/?channel=letter")
        assert response.status_code == 302
        assert response["Location"] == reverse("login") + "?next=%2Fpetitions%2Fnew%2F%3Fchannel%3Dletter&idle=1"
        client.force_login(clerk)
        client.get(reverse("petitions:index"))
        clock.shift(31 * 60)
        response = client.post(reverse("petitions:register"), {"p-title": "x"}, HTTP_REFERER="http://evil.example/x")
        assert response["Location"] == reverse("login") + "?next=%2Fpetitions%2Fnew%2F&idle=1"


def test_the_idle_limit_is_configurable_and_continue_is_a_post(client, clerk, settings):
    import time_machine
    from django.utils import timezone

    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(clerk)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(reverse("home"))
        body = client.get(reverse("home")).content.decode()
        assert 'data-idle-seconds="300"' in body and 'data-testid="session-warning"' in body
        clock.shift(4 * 60)
        assert client.get(reverse("keep_session")).status_code == 405
        assert client.post(reverse("keep_session")).status_code == 204
        clock.shift(4 * 60)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(6 * 60)
        assert client.get(reverse("home")).status_code == 302


# --- Lockout on username + client --------------------------------------------------------------

def _fail(client, username="clerk", **headers):
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"}, **headers)


def test_login_error_says_how_many_tries_are_left(client, clerk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    body = _fail(client).content.decode()
    assert "用户名或密码错误" in body and "再输错 2 次" in body
    body = _fail(client).content.decode()
    assert "再输错 1 次" in body
    assert _fail(client).status_code == 403


def test_lockout_is_per_username_and_real_client_behind_the_trusted_proxy(client, clerk, coordinator, settings):
    from tests.builders import PASSWORD

    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _attempt in range(2):
        _fail(client, HTTP_X_FORWARDED_FOR="192.168.1.20", **proxy)
    locked = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="192.168.1.20", **proxy)
    assert locked.status_code == 403 and "登录失败次数过多" in locked.content.decode()
    # The same username from another PC behind the same proxy still logs in …
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="192.168.1.21", **proxy)
    assert response.status_code == 302
    client.logout()
    # … and so does another username from the locked PC.
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="192.168.1.20", **proxy)
    assert response.status_code == 302


def test_the_forwarded_header_is_ignored_unless_it_comes_from_the_trusted_proxy(rf, settings):
    from office.security import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    spoofed = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.168.1.20")
    assert client_ip(spoofed) == "203.0.113.9"
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.168.1.20")
    assert client_ip(proxied) == "192.168.1.20"  # the address the proxy saw, not one the client wrote
    settings.TRUSTED_PROXIES = []
    assert client_ip(proxied) == "10.0.0.1"


def test_the_administrator_unlocks_from_a_page_they_can_open(client, clerk, admin_user, leader, outsider, settings):
    from axes.models import AccessAttempt

    from office.models import AccountChange
    from tests.builders import PASSWORD

    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        _fail(client)
        _fail(client, username="outsider")
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("lockouts"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "clerk" in body and "outsider" not in body  # another township's logins are not theirs
    theirs = AccessAttempt.objects.get(username="outsider")
    assert client.post(reverse("unlock", args=[theirs.pk])).status_code == 404
    attempt = AccessAttempt.objects.get(username="clerk")
    assert client.get(reverse("unlock", args=[attempt.pk])).status_code == 405
    assert client.post(reverse("unlock", args=[attempt.pk])).status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    change = AccountChange.objects.get(kind="unlocked")
    assert change.user == clerk and change.by == admin_user
    client.logout()
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}).status_code == 302
    client.force_login(leader)
    assert client.get(reverse("lockouts")).status_code == 403


# --- Role grants ---------------------------------------------------------------------------------

def _user_form(user, **changes):
    data = {
        "username": user.username, "last_name": user.last_name, "first_name": user.first_name, "email": "",
        "is_active": "on" if user.is_active else "", "is_staff": "on" if user.is_staff else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_administrator_cannot_grant_superuser_or_change_their_own_roles(client, admin_user, clerk, leader):
    from django.contrib.auth.models import Group

    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[clerk.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    response = client.post(url, _user_form(clerk, is_superuser="on", user_permissions=["1"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert not clerk.is_superuser and not clerk.user_permissions.exists()
    # Their own roles and active status are read-only …
    own = reverse("admin:auth_user_change", args=[admin_user.pk])
    page = client.get(own).content.decode()
    assert 'name="groups"' not in page and 'name="is_active"' not in page
    leaders = Group.objects.get(name="领导")
    client.post(own, _user_form(admin_user, groups=[str(leaders.pk)], is_superuser="on"))
    admin_user.refresh_from_db()
    assert list(admin_user.groups.values_list("name", flat=True)) == ["系统管理员"] and not admin_user.is_superuser


def test_every_change_of_roles_or_active_status_is_recorded_and_listed_for_leaders(client, admin_user, clerk, leader):
    from django.contrib.auth.models import Group

    from office.models import AccountChange

    client.force_login(admin_user)
    coordinators = Group.objects.get(name="综治中心工作人员")
    url = reverse("admin:auth_user_change", args=[clerk.pk])
    groups = [str(pk) for pk in clerk.groups.values_list("pk", flat=True)] + [str(coordinators.pk)]
    assert client.post(url, _user_form(clerk, groups=groups)).status_code == 302
    assert client.post(url, _user_form(clerk, groups=groups, is_active="")).status_code == 302
    roles = AccountChange.objects.filter(user=clerk, kind="roles", by=admin_user).get()
    assert roles.before == "登记员" and roles.after == "登记员、综治中心工作人员"
    active = AccountChange.objects.get(user=clerk, kind="active")
    assert (active.by, active.shown_before, active.shown_after) == (admin_user, "是", "否")
    client.force_login(leader)
    body = client.get(reverse("account_changes")).content.decode()
    assert "登记员、综治中心工作人员" in body and "admin" in body
    client.force_login(clerk)  # (inactive now: a clerk would be refused anyway)
    clerk.is_active = True
    clerk.save()
    client.force_login(clerk)
    assert client.get(reverse("account_changes")).status_code == 403


def test_admin_shows_only_setup_and_only_the_administrators_township(client, admin_user, outsider):
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    for absent in ["/admin/petitions/petition/", "/admin/office/person/", "/admin/disputes/ledgerentry/",
                   "/admin/disputes/screeninground/"]:
        assert absent not in index
    assert reverse("lockouts") in index and reverse("account_changes") in index
    assert client.get("/admin/petitions/petition/").status_code == 404
    assert client.get("/admin/office/person/").status_code == 404
    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "outsider" not in users
    assert client.get(reverse("admin:auth_user_change", args=[outsider.pk])).status_code == 302  # "not found" redirect
    staff = client.get(reverse("admin:office_staff_changelist")).content.decode()
    assert "outsider" not in staff
    townships = client.get(reverse("admin:office_township_changelist")).content.decode()
    assert "青溪镇" in townships and outsider.staff.township.name not in townships
    from office.models import Targets

    theirs = Targets.for_township(outsider.staff.township)
    targets = client.get(reverse("admin:office_targets_changelist")).content.decode()
    assert outsider.staff.township.name not in targets
    assert client.get(reverse("admin:office_targets_change", args=[theirs.pk])).status_code == 302


# --- Passwords -----------------------------------------------------------------------------------

def test_password_rules(client, clerk):
    from tests.builders import PASSWORD

    clerk.email = "wangli2026qingxi@example.cn"
    clerk.save()
    client.force_login(clerk)
    url = reverse("password_change")

    def change(new):
        return client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})

    assert "至少" in change("Ab1!xyz").content.decode()  # under 10 characters
    assert change("password123").status_code == 200  # a common password
    assert "太相似" in change("wangli2026qingxi!").content.decode()  # too like the e-mail address
    assert "不能与原密码相同" in change(PASSWORD).content.decode()
    assert change("Xinfang@2026").status_code == 200  # the demo password
    assert change("河边柳树2026年春天").status_code == 302


def test_the_demo_password_meets_the_rules_and_works_only_with_debug(client, settings):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    from fixtures.demo import PEOPLE

    settings.AUTH_PASSWORD_VALIDATORS = [v for v in settings.AUTH_PASSWORD_VALIDATORS if "Demo" not in v["NAME"]]
    for username, last, first, *_rest in PEOPLE:
        demo_user = get_user_model()(
            username=username, last_name=last, first_name=first, email=f"{username}@qingxi.example"
        )
        validate_password(settings.DEMO_PASSWORD, demo_user)
    get_user_model().objects.create_user("demo", password=settings.DEMO_PASSWORD)
    settings.DEBUG = False
    response = client.post(reverse("login"), {"username": "demo", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 200 and "演示" in response.content.decode()
    settings.DEBUG = True
    response = client.post(reverse("login"), {"username": "demo", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302


# --- Uploads -------------------------------------------------------------------------------------

def _png(width, height):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def _jpeg(extra=b"", **options):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG", **options)
    return out.getvalue() + extra


@pytest.mark.parametrize("name, content", [
    ("bomb.png", lambda: _png(10_000, 10_000)),  # 100 million pixels in a few kilobytes
    ("page.jpg", lambda: _jpeg(b"<html><script>alert(1)</script></html>")),  # an HTML/JPEG polyglot
    ("comment.jpg", lambda: _jpeg(comment=b"<script>alert(1)</script>")),  # markup in the metadata
    ("page.png", lambda: _png(8, 8) + b"<!DOCTYPE html><body onload=alert(1)>"),
    ("broken.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 64),
])
def test_dangerous_images_are_refused(name, content):
    from django import forms as django_forms
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions.forms import check_upload

    with pytest.raises(django_forms.ValidationError):
        check_upload(SimpleUploadedFile(name, content()))
    check_upload(SimpleUploadedFile("fine.jpg", _jpeg()))
    check_upload(SimpleUploadedFile("fine.png", _png(100, 100)))


def test_a_request_over_the_size_cap_is_refused_before_it_is_read(client, clerk, settings):
    settings.MAX_REQUEST_BYTES = 1024
    client.force_login(clerk)
    response = client.post(reverse("petitions:register"), {"facts": "x" * 4096})
    assert response.status_code == 413


# --- Reveal is a logged POST -----------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["petitions:show_personal", "disputes:entry_show_personal",
                                      "disputes:mediation_show_personal"])
def test_reveal_answers_only_post(client, coordinator, url_name):
    from office.models import AccessLog

    client.force_login(coordinator)
    assert client.get(reverse(url_name, args=[1])).status_code == 405
    assert not AccessLog.objects.exists()


def test_the_administrator_role_has_no_right_on_people():
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name="系统管理员").permissions.values_list("codename", flat=True))
    assert not codenames & {"view_person", "change_person", "view_historicalperson"}
    assert not codenames & {"add_group", "change_group", "change_permission"}  # roles' rights come from migrations
    assert {"change_staff", "change_user"} <= codenames


def test_a_password_set_by_the_administrator_is_recorded(client, admin_user, leader):
    from office.models import AccountChange

    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[leader.pk])
    response = client.post(url, {"password1": "河边柳树2026年春天", "password2": "河边柳树2026年春天"})
    assert response.status_code == 302
    change = AccountChange.objects.get(kind="password")
    assert change.user == leader and change.by == admin_user
    leader.refresh_from_db()  # the new password hash signs the session
    client.force_login(leader)
    assert "由他人重设" in client.get(reverse("account_changes")).content.decode()


def test_the_account_pages_take_the_same_queries_however_many_rows(client, admin_user, leader, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from office.models import AccountChange

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(admin_user)
    client.get(reverse("home"))  # the session's first activity is written once
    AccountChange.objects.create(user=clerk, by=admin_user, kind="active", before="true", after="false")
    few = queries(reverse("account_changes"))
    for _row in range(5):
        AccountChange.objects.create(user=leader, by=admin_user, kind="active", before="false", after="true")
    assert queries(reverse("account_changes")) == few
