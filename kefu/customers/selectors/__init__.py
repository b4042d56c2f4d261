"""Reads on the customer archive, by sub-domain: search, one customer's detail and screen
pop, reports, history. Every public name is importable from here."""

from kefu.customers.selectors.detail import (  # noqa: F401
    OPEN_WORK_ORDER,
    CustomerDetail,
    _aware,
    _file_docs,
    _phones_and_tags,
    asset_files,
    asset_of_customer,
    caller_digits,
    card_of,
    customer_activity,
    customer_by_id,
    customer_by_number,
    customer_cards,
    customer_for_number,
    customer_get,
    customer_lookup,
    customer_named,
    customers_by_ids,
    document_of_customer,
    file_state,
    load_details,
    masked_pii,
    open_items,
    profile_form,
)
from kefu.customers.selectors.history import (  # noqa: F401
    _history_rows,
    _plain,
    customer_history,
)
from kefu.customers.selectors.reports import (  # noqa: F401
    _scoped,
    first_contact_overdue,
    late_files,
)
from kefu.customers.selectors.search import (  # noqa: F401
    DATE_FILTERS,
    FILTER_KEYS,
    SearchResult,
    Tier,
    _active,
    _by_asset,
    _by_phone,
    _filtered,
    customer_search,
    search_filters,
    search_tiers,
)
