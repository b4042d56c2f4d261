"""R-1.5 as a property: whatever the name, its 汉字, full pinyin and initials find it."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.customers.demo import GIVEN, SURNAMES
from kefu.customers.selectors import customer_search
from kefu.customers.services import customer_create
from kefu.customers.validation import name_keys

pytestmark = pytest.mark.django_db

names = st.builds(
    lambda surname, given: surname + given,
    st.sampled_from([s for s, _ in SURNAMES]),
    st.text(alphabet=GIVEN, min_size=1, max_size=2),
)
_phones = itertools.count(15000000000)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names)
def test_any_name_is_found_by_hanzi_pinyin_and_initials(agent, name):
    customer, _ = customer_create(
        actor=agent, data={"name": name, "phones": [str(next(_phones))], "owner": "agent1"}
    )
    pinyin, initials = name_keys(name)
    for q in (name, pinyin, initials, pinyin.upper()):
        found = customer_search(user=agent, q=q, page_size=100).items
        assert customer.pk in {card["id"] for card in found}, q
