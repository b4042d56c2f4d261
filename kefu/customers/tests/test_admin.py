"""The admin: configuration and inspection, never a way around the rules (R-0.3, R-0.5)."""

import pytest
from django.contrib.auth.models import Permission

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client, user


def test_admin_search_uses_the_one_box_and_masks_phones(admin_client):
    client, user = admin_client
    make_customer(user, name="张三", phones=["13812345678"])
    make_customer(user, name="李四", phones=["13900000000"])
    page = client.get("/admin/customers/customer/", {"q": "zs"}).content.decode()
    assert "张三" in page and "李四" not in page
    assert "138****5678" in page and "13812345678" not in page


def test_customers_cannot_be_deleted_in_the_admin(admin_client):
    client, user = admin_client
    customer = make_customer(user)
    r = client.get(f"/admin/customers/customer/{customer.pk}/delete/")
    assert r.status_code == 403


def test_admin_edit_goes_through_the_service_and_is_audited(admin_client):
    client, user = admin_client
    customer = make_customer(user, level="normal")
    page = client.get(f"/admin/customers/customer/{customer.pk}/change/")
    assert page.status_code == 200
    r = client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        {
            "level": "vip",
            "source": "",
            "notes": "",
            "status": "active",
            "assets-TOTAL_FORMS": 0,
            "assets-INITIAL_FORMS": 0,
        },
    )
    assert r.status_code == 302, r.content[:500]
    customer.refresh_from_db()
    assert customer.level == "vip"
    assert customer.history.first().history_user == user


def test_past_versions_with_unmasked_data_are_for_superusers_only(client):
    manager = UserFactory(username="boss", role=Role.MANAGER, is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_customer", "change_customer"])
    )
    customer = make_customer(manager, phones=["13812345678"])
    version = customer.history.first()
    client.force_login(manager)
    assert client.get(f"/admin/customers/customer/{customer.pk}/history/").status_code == 200
    r = client.get(f"/admin/customers/customer/{customer.pk}/history/{version.history_id}/")
    assert r.status_code == 403
