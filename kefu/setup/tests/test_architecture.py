"""The documented rules hold everywhere (docs/architecture.md), walked over the URL conf and
the admin registry so that a new endpoint or admin cannot slip past them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Models that are configuration a CS manager edits in the admin (rules, templates, limits,
# holidays, people); every other model of Kefu is a record that changes through services.
CONFIGURATION = {
    "core.preset",
    "core.centersetting",
    "core.holidayday",
    "accounts.user",
    "accounts.department",
    "accounts.apitoken",
    "customers.documenttype",
    "customers.profilefield",
    "customers.tag",
    "tickets.slarule",
    "tickets.escalationstep",
    "complaints.stagelimit",
    "complaints.approvallimit",
    "quality.forbiddenphrase",
    "quality.shift",
    "quality.evaluationform",
    "quality.evaluationitem",
    "quality.transcriptrule",
    "reports.pointrule",
    "reports.scheduledreport",
    "reports.churnrule",
    "outbound.salesscript",
    "members.memberlevel",
    "followups.followuprule",
    "followups.script",
    "care.messagetemplate",
    "care.carerule",
    "care.surveyrule",
}


def _openapi() -> dict:
    from config.api import api

    return api.get_openapi_schema()


def list_routes() -> list[tuple[str, dict]]:
    """Every GET route answering an array (a list of rows)."""
    out = []
    for path, ops in _openapi()["paths"].items():
        op = ops.get("get")
        if not op:
            continue
        body = op["responses"].get(200, op["responses"].get("200", {}))
        schema = body.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("type") == "array":
            out.append((path, op))
    return out


def _limit(op: dict) -> dict | None:
    for p in op.get("parameters", []):
        if p["name"] in ("limit", "page_size") and p["in"] == "query":
            return p.get("schema", {})
    return None


def test_there_are_list_routes_to_check():
    paths = {p for p, _ in list_routes()}
    assert {"/api/v1/tickets", "/api/v1/complaints", "/api/v1/callbacks"} <= paths


@pytest.mark.parametrize("path", [p for p, _ in list_routes()])
def test_every_list_route_bounds_its_limit_and_refuses_beyond_it(path, api_as):
    op = dict(list_routes())[path]
    bound = _limit(op)
    assert bound is not None, f"{path} answers a list without a `limit`"
    assert bound.get("minimum") == 1 and bound.get("maximum"), f"{path}: limit has no bounds"
    if "{" in path:
        return
    api = api_as(UserFactory(username="boss", role=Role.ADMIN, is_superuser=True))
    route = path.removeprefix("/api/v1")
    for too_far in (0, bound["maximum"] + 1):
        r = api.get(route, limit=too_far)
        assert r.status_code == 422, (path, too_far, r.status_code)
        assert r.json()["errors"][0]["field"].endswith("limit"), r.json()
    assert api.get(route, limit=bound["maximum"]).status_code in (200, 422)


def test_every_admin_of_a_record_is_read_only_or_saves_through_the_service():
    from kefu.core.admin import ServiceBackedMixin

    root = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = root
    checked = []
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if not model.__module__.startswith("kefu.") or label in CONFIGURATION:
            continue
        checked.append(label)
        assert not model_admin.has_delete_permission(request), f"{label} can be deleted"
        if isinstance(model_admin, ServiceBackedMixin):
            assert type(model_admin).save_model is not admin.ModelAdmin.save_model, label
            assert not model_admin.has_add_permission(request), label
            continue
        assert not model_admin.has_add_permission(request), f"{label} can be added in admin"
        assert not model_admin.has_change_permission(request), f"{label} editable in admin"
    assert {"customers.customer", "customers.asset", "complaints.complaint"} <= set(checked)


QUERYSET_CALLS = {"filter", "exclude", "order_by", "annotate", "aggregate", "values_list"}


def _queries_in(path) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{path.name}:{node.lineno} .objects")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERYSET_CALLS
        ):
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    return found


def test_console_views_and_api_endpoints_hold_no_queries():
    """A query in a view is a selector not yet written (style.md): the console's views and
    the API routers call selectors and services only."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    doors = [*(root / "console" / "views").glob("*.py"), *root.glob("*/api.py")]
    assert len(doors) > 10
    found = [q for path in doors for q in _queries_in(path)]
    assert found == []
