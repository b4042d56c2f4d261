"""Domain errors that every door (API, CLI, admin, pages) reports the same way, in zh and en."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: `field` names it, both languages say what is wrong."""

    field: str
    code: str
    message: str
    message_en: str

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }


class KefuError(Exception):
    """Base for errors a user can act on."""

    status = 400

    def __init__(self, errors: list[FieldError] | FieldError):
        self.errors = errors if isinstance(errors, list) else [errors]
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in self.errors))

    def as_dict(self) -> dict:
        return {"errors": [e.as_dict() for e in self.errors]}


class ValidationFailed(KefuError):
    status = 422


class TooManyRequests(KefuError):
    """A rate a person or an address may not pass (token guesses, reveals)."""

    status = 429

    def __init__(self, message: str, message_en: str, field: str = ""):
        super().__init__(FieldError(field, "too_many", message, message_en))


class PermissionDenied(KefuError):
    status = 403

    def __init__(self, message: str = "无权执行此操作", message_en: str = "Not allowed"):
        super().__init__(FieldError("", "forbidden", message, message_en))


class NotFound(KefuError):
    status = 404

    def __init__(self, what: str = "object"):
        super().__init__(FieldError("", "not_found", f"未找到：{what}", f"Not found: {what}"))


class Conflict(KefuError):
    status = 409


def invalid(field: str, code: str, message: str, message_en: str) -> ValidationFailed:
    return ValidationFailed(FieldError(field, code, message, message_en))
