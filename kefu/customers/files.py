"""Files in (R-1.8): reading CSV and XLSX safely, within limits, and holding a checked file
until its import is confirmed. Used by the customer and the event imports, API, console and
CLI alike: a file over a limit or damaged is a 422 naming `file`, never a server error."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from kefu.core.errors import FieldError, ValidationFailed


def _cell(value) -> str | dt.date | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores phone numbers as numbers
    if isinstance(value, dt.datetime | dt.date):
        return value
    text = str(value).strip()
    return text or None


def bad_file(code: str, message: str, message_en: str) -> ValidationFailed:
    return ValidationFailed(FieldError("file", code, message, message_en))


def _limited(rows: Iterator[list]) -> Iterator[list]:
    """At most IMPORT_MAX_ROWS rows and IMPORT_MAX_CELL characters a cell, refused as soon as
    a row passes them (the file is never read to its end first)."""
    max_rows, max_cell = settings.KEFU["IMPORT_MAX_ROWS"], settings.KEFU["IMPORT_MAX_CELL"]
    for line, row in enumerate(rows, start=1):
        if line > max_rows + 1:  # the header and max_rows data rows
            raise bad_file(
                "too_many_rows",
                f"文件超过 {max_rows} 行，请分批导入",
                f"The file has more than {max_rows} rows; import it in parts",
            )
        for value in row:
            if isinstance(value, str) and len(value) > max_cell:
                raise bad_file(
                    "cell_too_long",
                    f"第 {line} 行有单元格超过 {max_cell} 个字符",
                    f"Line {line} has a cell longer than {max_cell} characters",
                )
        yield row


def _xlsx_rows(content: bytes) -> Iterator[list]:
    """The first sheet, streamed. The zip is checked before parsing: a file that is no zip,
    or unpacks to more than IMPORT_MAX_UNPACKED bytes (a "zip bomb"), is refused."""
    import zipfile

    from openpyxl import load_workbook

    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise bad_file(
            "bad_file",
            "不是有效的 XLSX 文件（文件损坏或不完整）",
            f"Not a valid XLSX file (damaged or incomplete: {exc.__class__.__name__})",
        ) from exc
    limit = settings.KEFU["IMPORT_MAX_UNPACKED"]
    if unpacked > limit:
        raise bad_file(
            "too_large",
            f"XLSX 解压后超过 {limit // 2**20} MB，请分批导入",
            f"The XLSX unpacks to more than {limit // 2**20} MB; import it in parts",
        )
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            for row in wb.worksheets[0].iter_rows(values_only=True):
                yield [_cell(v) for v in row]
        finally:
            wb.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # broken sheet XML, missing parts: the file's fault, said so
        raise bad_file(
            "bad_file",
            "XLSX 文件内容损坏，无法读取，请用 Excel 或 WPS 另存后重试",
            f"The XLSX content is damaged ({exc.__class__.__name__}); save it again and retry",
        ) from exc


def upload_bytes(upload) -> bytes:
    """An uploaded file's content, refused by its size before it is read into memory."""
    limit = settings.KEFU["IMPORT_MAX_BYTES"]
    if (upload.size or 0) > limit:
        raise bad_file(
            "too_large",
            f"文件超过 {limit // 2**20} MB 上限，请分批导入",
            f"The file is larger than {limit // 2**20} MB; import it in parts",
        )
    return upload.read()


def read_rows(filename: str, content: bytes) -> Iterator[list]:
    """Rows of a CSV or XLSX file, header first. CSV encodings as Excel in China writes them.
    Files over IMPORT_MAX_BYTES, damaged files and unreadable encodings are refused (422
    `file`), never a server error."""
    limit = settings.KEFU["IMPORT_MAX_BYTES"]
    if len(content) > limit:
        raise bad_file(
            "too_large",
            f"文件超过 {limit // 2**20} MB 上限，请分批导入",
            f"The file is larger than {limit // 2**20} MB; import it in parts",
        )
    if Path(filename).suffix.lower() in (".xlsx", ".xlsm"):
        yield from _limited(_xlsx_rows(content))
        return
    yield from _limited(_csv_rows(content))


def _csv_rows(content: bytes) -> Iterator[list]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise bad_file(
            "bad_encoding",
            "文件是 UTF-16 编码，请另存为「CSV UTF-8」或 XLSX",
            "The file is UTF-16; save it as CSV UTF-8 or XLSX",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(
            FieldError(
                "file",
                "bad_encoding",
                "无法识别文件编码（支持 UTF-8、GBK）",
                "Unreadable encoding (UTF-8 or GBK expected)",
            )
        )
    dialect = (
        csv.excel_tab
        if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",")
        else csv.excel
    )
    if "\x00" in text:
        raise bad_file(
            "bad_encoding",
            "文件含有空字符，不是文本 CSV（请另存为「CSV UTF-8」）",
            "The file holds NUL bytes: not a text CSV (save it as CSV UTF-8)",
        )
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            yield [_cell(v) for v in row]
    except csv.Error as exc:
        raise bad_file(
            "bad_file", f"CSV 格式错误：{exc}", f"The CSV cannot be read: {exc}"
        ) from exc


HOLD_HOURS = 24  # a checked file waits this long for its "confirm"
UPLOADS = "uploads"  # their folder in the file storage


def upload_hold(content: bytes) -> str:
    """Keep a checked file until the person confirms the import; returns its token. Kept in
    the center's file storage (var/files, or object storage shared by every web host), so
    the confirmation may reach another host. Files older than HOLD_HOURS (never confirmed)
    are removed on the way."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    cutoff = timezone.now() - dt.timedelta(hours=HOLD_HOURS)
    try:
        held = default_storage.listdir(UPLOADS)[1]
    except FileNotFoundError:
        held = []
    for old in held:
        name = f"{UPLOADS}/{old}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
    token = uuid.uuid4().hex
    default_storage.save(f"{UPLOADS}/{token}", ContentFile(content))
    return token


def upload_take(token: str) -> bytes | None:
    """The held file for `token` (removed as it is taken), or None."""
    from django.core.files.storage import default_storage

    if not (token.isalnum() and len(token) == 32):
        return None
    name = f"{UPLOADS}/{token}"
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as f:
        content = f.read()
    default_storage.delete(name)
    return content
