import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def timedelta_minutes(value) -> int | str:
    """Whole minutes, rounded up, of a timedelta (the lockout cool-off): 0:15:00 → 15."""
    if not isinstance(value, timedelta):
        return ""
    return max(1, math.ceil(value.total_seconds() / 60))
