"""Mask personal data in lists and exports unless the role needs it (docs/domain.md §5)."""


def mask_id_number(value):
    """110105194912310021 -> 110105********0021."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    """13812345678 -> 138****5678; 0571-6000123 -> 0571-***0123."""
    if not value:
        return ""
    if "-" in value:
        area, rest = value.split("-", 1)
        return f"{area}-{'*' * max(0, len(rest) - 4)}{rest[-4:]}"
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value):
    """Keep the first six characters (usually the village), hide the rest."""
    if not value:
        return ""
    return value[:6] + ("****" if len(value) > 6 else "")


def mask_name(value):
    """张三丰 -> 张**: for documents shown to those who must not know who complained."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
