"""Admin for petitions: the fields (lĩnh vực) and the deadline settings that administrators change, Open311
API keys, and read-only lists of petitions and reception sessions.

Nothing here shows who sent a petition: the petition pages leave out every petitioner field and the lookup
digests, and `ProtectedIdentity` is deliberately not registered. Keys are issued and revoked through
`open311_keys`; a key's digest is never shown, and the plain key only once, as a message, when it is issued.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dancoso.core.admin import ReadOnlyAdmin
from dancoso.petitions import legal, open311_keys
from dancoso.petitions.models import (
    DeadlineSetting,
    Open311Key,
    Petition,
    QueuedPetition,
    ReceptionSession,
    Sector,
)
from dancoso.petitions.services import save_deadline_setting, save_sector


def _adopt(target, saved) -> None:
    """Make the admin's unsaved instance the row the service saved, so the admin can log and redirect."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


# ------------------------------------------------------------------------------------------ settings


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_en", "position", "is_active", "open311_service")
    list_editable = ("position", "is_active", "open311_service")
    list_filter = ("is_active", "open311_service")
    search_fields = ("name", "name_en", "code")
    ordering = ("position", "name")

    def get_readonly_fields(self, request, obj=None):
        # Petitions and Open311 service codes refer to the code: it is fixed once the field exists.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # petitions keep their field; an unused field is made inactive instead

    def save_model(self, request, obj, form, change):
        save_sector(obj, actor=request.user, changed=list(form.changed_data))


class DeadlineSettingForm(forms.ModelForm):
    rule = forms.ChoiceField(label=_("rule"), choices=[(key, key) for key in legal.RULE_KEYS])

    class Meta:
        model = DeadlineSetting
        fields = ("rule", "valid_from", "days", "day_type", "article", "note")
        help_texts = {
            "valid_from": _(
                "Cases dated from this day follow this value. To change a value from a date on, add a row "
                "with that date instead of editing the older row."
            ),
        }


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(admin.ModelAdmin):
    form = DeadlineSettingForm
    list_display = ("rule", "valid_from", "days", "day_type", "article", "note")
    list_filter = ("rule", "day_type")
    search_fields = ("rule", "article", "note")
    date_hierarchy = "valid_from"
    ordering = ("rule", "valid_from")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the value in force on an old case's dates must stay known

    def save_model(self, request, obj, form, change):
        save_deadline_setting(obj, actor=request.user, changed=list(form.changed_data))


# ------------------------------------------------------------------------------------------ Open311 keys


class IssueKeyForm(forms.ModelForm):
    """Issue a key: the integration's name and the unit whose subtree it may file requests for."""

    user = None  # set by Open311KeyAdmin.get_form

    class Meta:
        model = Open311Key
        fields = ("name", "unit")

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if not unit.is_active:
            raise forms.ValidationError(gettext("Choose an active unit."))
        if self.user is not None and not self.user.has_perm("petitions.manage_open311_key", unit):
            raise forms.ValidationError(gettext("You may not issue Open311 keys for this unit."))
        return unit


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    form = IssueKeyForm
    list_display = ("name", "unit", "key_start", "is_active", "created_at", "created_by", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit", "created_by")
    actions = ("revoke",)
    shown_fields = ("name", "unit", "key_start", "is_active", "created_by", "created_at", "last_used_at")

    @admin.display(description=_("key"))
    def key_start(self, obj: Open311Key) -> str:
        return f"{obj.prefix}…" if obj.prefix else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fields(self, request, obj=None):
        return self.shown_fields if obj is not None else ("name", "unit")

    def get_readonly_fields(self, request, obj=None):
        return self.shown_fields if obj is not None else ()

    def has_change_permission(self, request, obj=None) -> bool:
        # "change" lets administrators run "revoke" from the list; a key itself is never edited.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked keys stay listed: the ledger refers to them

    def save_model(self, request, obj, form, change):
        issued = open311_keys.issue_key(
            name=form.cleaned_data["name"], unit=form.cleaned_data["unit"], actor=request.user
        )
        _adopt(obj, issued.key)
        self.message_user(
            request,
            gettext(
                "The key for %(name)s is: %(key)s — copy it now. It is not stored and will not be shown again."
            )
            % {"name": issued.key.name, "key": issued.plain},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for key in queryset.filter(is_active=True):
            open311_keys.revoke_key(key, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


# ------------------------------------------------------------------------------------------ read-only lists

# Everything an administrator may see of a petition: no petitioner field, no digest, no search key.
PETITION_FIELDS = (
    "tracking_code",
    "unit",
    "kind",
    "channel",
    "sector",
    "title",
    "content",
    "location_text",
    "latitude",
    "longitude",
    "is_confidential",
    "is_anonymous",
    "signers",
    "is_eligible",
    "within_competence",
    "has_originals",
    "complexity",
    "instance",
    "appeal_of",
    "split_from",
    "linked_to",
    "state",
    "handler",
    "received_on",
    "accepted_on",
    "resolved_on",
    "closed_on",
    "due_on",
    "due_kind",
    "resolution_due",
    "extensions",
    "resolved_late",
    "transferred_from",
    "transferred_to",
    "outcome",
    "decision_number",
    "state_reason",
    "created_at",
    "updated_at",
)


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "title", "kind", "channel", "state", "unit", "received_on", "due_on")
    list_filter = ("state", "kind", "channel", "sector", "is_confidential")
    search_fields = ("tracking_code",)
    date_hierarchy = "received_on"
    list_select_related = ("unit",)
    show_full_result_count = False
    fields = PETITION_FIELDS
    readonly_fields = PETITION_FIELDS


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(ReadOnlyAdmin):
    list_display = ("date", "unit", "kind", "mode", "host_name", "host_title", "host_is_head", "location")
    list_filter = ("kind", "mode", "host_is_head")
    date_hierarchy = "date"
    list_select_related = ("unit",)
    show_full_result_count = False
    fields = (
        "unit",
        "schedule",
        "kind",
        "mode",
        "date",
        "start_time",
        "end_time",
        "host_name",
        "host_title",
        "host_is_head",
        "location",
        "notes",
        "created_at",
    )
    readonly_fields = fields


@admin.register(QueuedPetition)
class QueuedPetitionAdmin(ReadOnlyAdmin):
    """Petitions acknowledged through the API and their registration: a row pending with attempts is one the
    worker could not register (its error type is shown; the filing stays encrypted and is never shown)."""

    list_display = ("tracking_code", "unit", "kind", "status", "received_at", "attempts", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("tracking_code",)
    list_select_related = ("unit",)
    show_full_result_count = False
    fields = (
        "tracking_code",
        "unit",
        "kind",
        "channel",
        "received_at",
        "received_on",
        "status",
        "petition",
        "registered_at",
        "attempts",
        "last_error",
    )
    readonly_fields = fields
