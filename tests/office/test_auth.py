import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "用户名" in body and "密码" in body and "登录" in body


def test_wrong_password_shows_a_chinese_message(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_right_password_logs_in_and_lands_on_home(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(clerk.pk)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures_shows_the_time_left(client, clerk):
    for _ in range(2):
        response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "登录失败次数过多" in body
    assert "15 分钟" in body
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_user_without_staff_profile_gets_a_clear_page(client):
    user = get_user_model().objects.create_user("nobody", password=PASSWORD)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "尚未关联工作人员档案" in response.content.decode()


@pytest.mark.parametrize(
    "role, visible, hidden",
    [
        ("clerk", ["信访"], ["矛盾纠纷", "统计报表", "系统管理"]),
        ("coordinator", ["信访", "矛盾纠纷", "统计报表"], ["系统管理"]),
        ("leader", ["信访", "矛盾纠纷", "统计报表"], ["系统管理"]),
        ("handler", ["信访", "矛盾纠纷"], ["统计报表", "系统管理"]),
        ("mediator", ["矛盾纠纷"], ["信访", "统计报表", "系统管理"]),
        ("admin", ["系统管理"], ["信访", "统计报表"]),
    ],
)
def test_menu_shows_each_role_what_it_can_do(client, users, role, visible, hidden):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    menu = response.content.decode().split('data-testid="menu"')[1].split("</ul>")[0]
    for label in visible:
        assert f">{label}<" in menu
    for label in hidden:
        assert f">{label}<" not in menu


@pytest.mark.parametrize(
    "url_name, allowed",
    [
        ("petitions:index", {"clerk", "coordinator", "leader", "handler"}),
        ("disputes:index", {"coordinator", "leader", "mediator", "handler"}),
        ("reports:index", {"coordinator", "leader"}),
    ],
)
def test_sections_refuse_roles_that_may_not_open_them(client, users, url_name, allowed):
    for role, user in users.items():
        client.force_login(user)
        response = client.get(reverse(url_name))
        assert response.status_code == (200 if role in allowed else 403), role


def test_admin_site_is_for_the_admin_role(client, users):
    client.force_login(users["admin"])
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:office_timelimits_changelist")).status_code == 200
    response = client.get(reverse("admin:office_calendaroverride_changelist"))
    assert "2004" in response.content.decode()  # which years the holiday package covers
    client.force_login(users["clerk"])
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login


def test_password_change_page(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "修改密码" in response.content.decode()


def test_notifications_list_unread_count_and_open_marks_read(client, clerk, leader):
    from office.models import Notification

    note = Notification.objects.create(user=clerk, text="XF-2026-0001：受理意见待您审批。", url="/petitions/",
                                       task="petitions.petition:1:decision")
    Notification.objects.create(user=clerk, text="for information")  # not a task: not counted
    Notification.objects.create(user=leader, text="not yours", task="petitions.petition:1:decision")
    client.force_login(clerk)
    body = client.get(reverse("notifications")).content.decode()
    assert "受理意见待您审批" in body and "not yours" not in body
    # The menu counts the open tasks only.
    assert 'data-testid="notifications">消息 <span class="badge text-bg-warning" title="待办事项">1</span>' in body
    assert client.get(reverse("open_notification", args=[note.pk])).status_code == 405
    response = client.post(reverse("open_notification", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/petitions/"
    note.refresh_from_db()
    assert note.read_at is not None
    other = Notification.objects.get(user=leader)
    assert client.post(reverse("open_notification", args=[other.pk])).status_code == 404
