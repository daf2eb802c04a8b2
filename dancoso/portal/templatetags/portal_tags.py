"""Template tags of the public frame."""

from django import template

from dancoso.units.models import Unit

register = template.Library()


@register.inclusion_tag("portal/includes/breadcrumb.html", takes_context=True)
def unit_breadcrumb(context, unit: Unit) -> dict:
    """Home › province › commune › … › `unit` (one query for the ancestors)."""
    request = context.get("request")
    return {
        "ancestors": list(Unit.objects.ancestors_of(unit)),
        "unit": unit,
        "unit_is_page": request is not None and request.path == unit.get_absolute_url(),
    }
