"""The page's language: Chinese by default (R-0.1), English when chosen."""

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def bilingual(label: str) -> str:
    """ "判断 judgment" (a choice label in both languages) → the part in the page's language."""
    zh, _, en = str(label).partition(" ")
    return en if en and english() else zh


def message(error) -> str:
    """A FieldError in the page's language."""
    return error.message_en if english() else error.message
