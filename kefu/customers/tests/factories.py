"""Customers made through the services, so derived keys and history are real."""

import itertools

from kefu.customers.services import asset_create, customer_create

_phone = itertools.count(13800000000)


def make_customer(actor, name="张三", phones=None, assign=False, **data):
    """A customer owned by `actor` unless `owner` or `assign=True` says otherwise."""
    if not assign:
        data.setdefault("owner", actor.username)
    customer, _ = customer_create(
        actor=actor,
        data={"name": name, "phones": phones or [str(next(_phone))], **data},
        assign=assign,
    )
    return customer


def make_vehicle(actor, customer, vin="LSVAU2189N2123457", plate="京A12345", **data):
    asset, _ = asset_create(
        actor=actor, customer=customer, data={"kind": "vehicle", "vin": vin, "plate": plate, **data}
    )
    return asset


def valid_vin(body17: str) -> str:
    """`body17` with its 9th character replaced by the correct check digit."""
    from kefu.customers.validation import vin_check_digit

    return body17[:8] + vin_check_digit(body17) + body17[9:]
