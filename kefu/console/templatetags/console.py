from django import template

from kefu.console.lang import bilingual

register = template.Library()


@register.filter(name="lang")
def lang(label) -> str:
    """A bilingual choice label ("普通 normal") in the page's language only."""
    return bilingual(label) if label else ""


@register.filter(name="get")
def get(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter(name="at")
def at(sequence, index):
    """sequence[index] in a template ("" past its end): a report row's link."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""
