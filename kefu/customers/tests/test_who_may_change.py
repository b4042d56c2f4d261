"""Every endpoint that changes a customer, for every role, on a customer of their own and
one of somebody else's, answers as the permission table says (R-0.4): allowed, or 403 and
nothing changed. Expected answers come from the table (kefu/accounts/permissions.py), the
rule the product states, never from the endpoint under test."""

import pytest

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.models import Customer
from kefu.customers.tests.factories import make_customer

pytestmark = pytest.mark.django_db

ROLES = [Role.AGENT, Role.TEAM_LEAD, Role.QA, Role.MANAGER, Role.GM, Role.HANDLER, Role.ADMIN]
# endpoint → (body, the permission it needs besides editing this customer)
CHANGES = {
    "patch": ({"notes": "已核对"}, None),
    "status": ({"status": "obsolete", "reason": "重复"}, None),
    "verify-obsolete": ({"result": "obsolete"}, P.VERIFY_CUSTOMERS),
    "asset": ({"kind": "order", "reference_no": "D-1"}, None),
}


def may_edit(user, customer) -> bool:
    return P.has_perm(user, P.EDIT_ANY_CUSTOMER) or (
        P.has_perm(user, P.EDIT_OWN_CUSTOMER) and customer.owner_id == user.id
    )


def send(api, customer, change):
    body, _ = CHANGES[change]
    cid = customer.pk
    if change == "patch":
        return api.patch(f"/customers/{cid}", body)
    if change == "status":
        return api.post(f"/customers/{cid}/status", body)
    if change == "verify-obsolete":
        return api.post(f"/customers/{cid}/verify", body)
    return api.post(f"/customers/{cid}/assets", body)


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("owned", [True, False])
def test_a_change_to_a_customer_is_allowed_exactly_as_the_table_says(role, owned, change, api_as):
    user = UserFactory(username=f"u-{role}", role=role)
    owner = user if owned else UserFactory(username="someone", role=Role.AGENT)
    boss = UserFactory(username="boss", role=Role.ADMIN)
    customer = make_customer(boss, owner=owner.username)
    before = Customer.objects.get(pk=customer.pk)
    r = send(api_as(user), customer, change)
    needs = CHANGES[change][1]
    allowed = may_edit(user, customer) and (needs is None or P.has_perm(user, needs))
    if allowed:
        assert r.status_code in (200, 201), (role, owned, change, r.json())
    else:
        assert r.status_code == 403, (role, owned, change, r.status_code)
        after = Customer.objects.get(pk=customer.pk)
        assert (after.status, after.notes, after.verification) == (
            before.status,
            before.notes,
            before.verification,
        )
