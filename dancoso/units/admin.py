"""Admin for system administrators. Saving goes through services (ledger, normalisation); nothing is deleted."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from dancoso.core.text import search_key
from dancoso.units import services
from dancoso.units.models import Household, Unit


def _adopt(target, saved) -> None:
    """Make the admin's unsaved instance the row the service saved, so the admin can log and redirect."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


class SearchKeyAdminMixin:
    """Search the unaccented key, so "phu lien" finds "Phù Liễn"."""

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(search_key__contains=search_key(search_term)), False


@admin.register(Unit)
class UnitAdmin(SearchKeyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "code", "parent", "is_remote_area", "is_active"]
    list_filter = ["kind", "is_remote_area", "is_active"]
    search_fields = ["search_key"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["kind", "parent", "slug"] if obj is not None else []
        return [*self.readonly_fields, *fixed]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            changes = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.UNIT_EDITABLE_FIELDS
            }
            if changes:
                services.update_unit(Unit.objects.get(pk=obj.pk), actor=request.user, **changes)
            _adopt(obj, Unit.objects.get(pk=obj.pk))
            return
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.UNIT_EDITABLE_FIELDS and name not in {"name", "code"}
        }
        unit = services.create_unit(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            parent=form.cleaned_data.get("parent"),
            slug=form.cleaned_data.get("slug", ""),
            **fields,
        )
        _adopt(obj, unit)


@admin.register(Household)
class HouseholdAdmin(SearchKeyAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "representative_name",
        "unit",
        "representative_phone",
        "member_count",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["search_key"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    exclude = ["is_active"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in services.HOUSEHOLD_EDITABLE_FIELDS
        }
        if change:
            saved = services.update_household(Household.objects.get(pk=obj.pk), actor=request.user, **data)
        else:
            saved = services.create_household(actor=request.user, **data)
        _adopt(obj, saved)

    @admin.action(description=_("Deactivate the selected households"))
    def deactivate(self, request, queryset):
        count = 0
        for household in queryset.filter(is_active=True):
            services.deactivate_household(household, actor=request.user, reason="admin")
            count += 1
        self.message_user(
            request, _("%(count)d households deactivated.") % {"count": count}, messages.SUCCESS
        )
