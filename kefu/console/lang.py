"""The page's language: Chinese by default (R-0.1), English when chosen."""

from kefu.core.inputs import choice_label, page_english

english = page_english


def bilingual(label: str) -> str:
    """ "判断 judgment" (a choice label in both languages) → the part in the page's language."""
    return choice_label(label)


def message(error) -> str:
    """A FieldError in the page's language."""
    return error.message_en if english() else error.message
