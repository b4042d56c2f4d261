"""The `kefu` entry point: Kefu's verbs and Django's commands through one door."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kefu.accounts.choices import Role
from kefu.accounts.models import ApiToken
from kefu.accounts.services import token_authenticate
from kefu.accounts.tests.factories import UserFactory
from kefu.cli import translate
from kefu.core.models import CenterSetting
from kefu.customers.models import Customer, DocumentType

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*translate(list(args)), stdout=out)
    return out.getvalue()


def test_verbs_translate_to_commands():
    assert translate(["import", "customers", "a.csv", "--dry-run"]) == [
        "import_customers",
        "a.csv",
        "--dry-run",
    ]
    assert translate(["migrate", "--plan"]) == ["migrate", "--plan"]


def test_token_create_prints_a_working_token():
    user = UserFactory(username="zhang")
    raw = run("token", "create", "zhang").strip()
    assert token_authenticate(raw) == user
    assert ApiToken.objects.get().digest != raw  # only the hash is kept


def test_token_for_unknown_user_fails():
    with pytest.raises(CommandError):
        run("token", "create", "nobody")


def test_preset_load_is_idempotent():
    """R-0.2: presets load, reload without duplicates, and unknown names are refused."""
    run("preset", "load", "auto")
    run("preset", "load", "auto")
    assert DocumentType.objects.filter(file_kind="sales").count() == 11
    assert CenterSetting.objects.get().preset.code == "auto"
    with pytest.raises(CommandError, match="home"):
        run("preset", "load", "boats")


def test_import_dry_run_then_import_and_export(tmp_path: Path):
    UserFactory(username="boss", role=Role.MANAGER)
    src = tmp_path / "in.csv"
    src.write_text("姓名,电话\n张三,13800000001\n李四,13800000002\n", encoding="utf-8")
    assert "checked" in run("import", "customers", str(src), "--dry-run", "--user", "boss")
    assert Customer.objects.count() == 0
    assert "imported" in run("import", "customers", str(src), "--user", "boss")
    assert Customer.objects.count() == 2
    out = tmp_path / "out.xlsx"
    assert "2" in run("export", "customers", str(out), "--user", "boss")
    assert out.stat().st_size > 0


def test_import_with_bad_rows_exits_non_zero(tmp_path: Path):
    UserFactory(username="boss", role=Role.MANAGER)
    src = tmp_path / "in.csv"
    src.write_text("姓名,电话\n张三,12345\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        run("import", "customers", str(src), "--user", "boss")


def test_holidays_import_reads_a_file(tmp_path: Path):
    src = tmp_path / "h.csv"
    src.write_text("2027-01-01,休,元旦\n", encoding="utf-8")
    assert run("holidays", "import", str(src)).strip() == "已导入 1 天 / imported 1 days"
    from kefu.core.models import HolidayDay

    day = HolidayDay.objects.get(date="2027-01-01")
    assert (day.is_workday, day.name) == (False, "元旦")


def test_demo_center_has_a_user_per_role_and_customers_with_vehicles(monkeypatch):
    from kefu.accounts.choices import Role as R
    from kefu.accounts.models import User
    from kefu.customers.models import Asset

    monkeypatch.setenv("KEFU_DEMO_PASSWORD", "demo-pass-123")
    out = run("demo", "--customers", "60")
    assert "demo-pass-123" in out
    assert set(User.objects.values_list("role", flat=True)) == set(R.values)
    assert User.objects.get(username="agent1").check_password("demo-pass-123")
    assert Customer.objects.count() == 60 and Asset.objects.filter(kind="vehicle").count() == 60
    assert Customer.objects.filter(owner__isnull=True).count() == 0  # assignment
    assert "already loaded" in run("demo")  # idempotent, password not printed again
    assert Customer.objects.count() == 60
    from kefu.complaints.models import Complaint

    stages = set(Complaint.objects.values_list("stage", flat=True))
    assert {"judgment", "investigation", "solution", "implementation", "closed"} <= stages
    from kefu.quality.models import Inspection, Transcript

    # three calls with transcripts; the angry customer's is flagged for the inspector
    assert Transcript.objects.count() == 3
    flagged = Transcript.objects.get(flagged=True)
    assert Inspection.objects.get(interaction=flagged.interaction).flagged
    from kefu.knowledge.models import Article, Course
    from kefu.quality.models import Handover

    # issue 12's demo: articles (one waiting), a course with its exam, a handover to confirm
    assert Article.objects.filter(status="published").count() == 7
    assert Course.objects.get().questions.exists()
    assert Handover.objects.get().giver_confirmed_at and not Handover.objects.get().confirmed


def test_demo_center_routes_repairs_and_correspondence():
    run("demo", "--customers", "5")
    setting = CenterSetting.objects.get()
    assert setting.repair_department.code == "service"
    assert setting.correspondence_department.code == "admin"


def test_worker_and_beat_are_celery_commands():
    import subprocess
    import sys

    for verb in ("worker", "beat"):
        out = subprocess.run(
            [sys.executable, "-m", "kefu.cli", verb, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert "Usage" in out.stdout and verb in out.stdout


def test_switching_a_live_center_to_another_preset_says_what_it_replaces(agent):
    """Nothing dropped silently (R-0.2): `preset load home` on an auto center stops the
    auto rules (refused while they have calls to make, unless --force) and starts home's."""
    import datetime as dt

    from django.core.management.base import CommandError
    from django.utils import timezone

    from kefu.care.models import CareRule
    from kefu.customers.tests.factories import make_customer
    from kefu.followups.models import FollowUp, FollowUpRule

    run("preset", "load", "auto")
    customer = make_customer(agent)
    FollowUp.objects.create(
        kind="rule",
        family="7DC",
        source_key="x",
        rule=FollowUpRule.objects.get(code="7dc"),
        customer=customer,
        due_on=timezone.localdate(),
        due_by=timezone.localdate() + dt.timedelta(days=1),
    )
    with pytest.raises(CommandError, match="--force"):
        run("preset", "load", "home")
    assert FollowUpRule.objects.get(code="7dc").active
    out = run("preset", "load", "home", "--force")
    assert "replaced auto" in out and "1 open follow-ups" in out
    assert not FollowUpRule.objects.get(code="7dc").active
    home_rules = FollowUpRule.objects.filter(active=True).values_list("code", flat=True)
    assert home_rules and "7dc" not in home_rules
    assert CareRule.objects.filter(active=True, kind="lifecycle").exists()
    assert "replaced" not in run("preset", "load", "home")  # reloading replaces nothing
