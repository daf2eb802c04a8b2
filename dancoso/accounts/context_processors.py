from dancoso.accounts.middleware import staff_units


def current_unit(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = getattr(request, "current_unit", None)
    return {
        "current_unit": unit if unit else None,
        "switchable_units": staff_units(user),
    }
