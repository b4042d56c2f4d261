"""R-1.1, R-1.3: phones, ID numbers, VINs and plates validated with clear bilingual errors."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.errors import ValidationFailed
from kefu.customers.inputs import birthday_key
from kefu.customers.validation import (
    mask_id_number,
    mask_phone,
    name_keys,
    normalize_id_number,
    normalize_phone,
    normalize_plate,
    normalize_vin,
    vin_check_digit,
)


@pytest.mark.parametrize(
    ("raw", "number", "kind"),
    [
        ("13800138000", "13800138000", "mobile"),
        ("+86 138-0013-8000", "13800138000", "mobile"),
        ("010-12345678", "01012345678", "landline"),
        ("(0755) 2345678", "07552345678", "landline"),
        ("400-123-4567", "4001234567", "landline"),
    ],
)
def test_phone_numbers_are_normalised(raw, number, kind):
    phone = normalize_phone(raw)
    assert (phone.number, phone.kind) == (number, kind)


@pytest.mark.parametrize("raw", ["12345678901", "1380013800", "12345678", "abc"])
def test_bad_phone_names_the_field_in_both_languages(raw):
    with pytest.raises(ValidationFailed) as exc:
        normalize_phone(raw, field="phones[1]")
    err = exc.value.errors[0]
    assert err.field == "phones[1]"
    assert "电话号码无效" in err.message and "Invalid phone" in err.message_en


def test_id_number_gives_birthday_and_gender():
    ident = normalize_id_number("11010519491231002x")
    assert ident.number == "11010519491231002X"
    assert ident.birthday == dt.date(1949, 12, 31)
    assert ident.gender == "female"  # 17th digit 2 is even


@pytest.mark.parametrize("raw", ["110105194912310021", "11010519491331002X", "1101051949123100"])
def test_id_number_with_bad_check_digit_or_date_is_rejected(raw):
    with pytest.raises(ValidationFailed):
        normalize_id_number(raw)


def test_vin_check_digit_is_enforced_for_china_and_north_america():
    assert normalize_vin("1HGCM82633A004352").vin == "1HGCM82633A004352"
    with pytest.raises(ValidationFailed) as exc:
        normalize_vin("LSVAU2180N2123457")
    assert exc.value.errors[0].code == "invalid_vin_check_digit"


def test_european_vin_without_check_digit_is_kept_with_a_warning():
    vin = normalize_vin("WVWZZZ1JZXW000001")
    assert vin.vin == "WVWZZZ1JZXW000001" and vin.warning


@pytest.mark.parametrize("raw", ["LSVAU2189N212345", "LSVAU2189N212345I", "LSVAU2189N2123457Q"])
def test_vin_format_is_iso_3779(raw):
    with pytest.raises(ValidationFailed):
        normalize_vin(raw)


VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@given(st.text(alphabet=VIN_CHARS, min_size=16, max_size=16))
def test_any_vin_with_its_check_digit_validates(chars):
    body = "L" + chars
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert normalize_vin(vin).warning is None


@given(st.text(alphabet=VIN_CHARS, min_size=16, max_size=16), st.sampled_from("0123456789X"))
def test_a_wrong_check_digit_never_passes_for_china(chars, digit):
    body = "L" + chars
    vin = body[:8] + digit + body[9:]
    if digit != vin_check_digit(body):
        with pytest.raises(ValidationFailed):
            normalize_vin(vin)


@pytest.mark.parametrize(
    ("raw", "plate"),
    [
        ("京A12345", "京A12345"),
        ("沪 B·D2345", "沪BD2345"),
        ("粤BD12345", "粤BD12345"),
        ("粤BFA1234", "粤BFA1234"),
        ("苏E12345D", "苏E12345D"),
        ("浙a1234挂", "浙A1234挂"),
    ],
)
def test_plates_incl_8_character_new_energy(raw, plate):
    assert normalize_plate(raw) == plate


@pytest.mark.parametrize("raw", ["A12345", "京12345", "京A1234", "京AO2345X", "美A12345"])
def test_bad_plates(raw):
    with pytest.raises(ValidationFailed):
        normalize_plate(raw)


def test_name_keys_for_pinyin_search():
    assert name_keys("张三") == ("zhangsan", "zs")
    assert name_keys("欧阳娜娜") == ("ouyangnana", "oynn")
    assert name_keys("单田芳") == ("shantianfang", "stf")  # 单 as a surname reads shàn


def test_masking():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110***********002X"


def test_lunar_birthday_key_is_the_lunar_day():
    # 1990-10-03 was the 15th day of the 8th lunar month (Mid-Autumn).
    assert birthday_key(dt.date(1990, 10, 3), "lunar") == "08-15"
    assert birthday_key(dt.date(1990, 10, 3), "solar") == "10-03"
