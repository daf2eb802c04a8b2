"""Admin for disclosure: the legal categories and the timing rules that administrators correct (each save goes
through `services.save_category` / `services.save_disclosure_rule`, which write the ledger), and a read-only
list of publications. Publications, versions and postings are changed only through the staff pages and the API:
a version once published is never edited."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dancoso.core.admin import ReadOnlyAdmin
from dancoso.disclosure import legal
from dancoso.disclosure.models import Category, DisclosureRule, Publication
from dancoso.disclosure.services import save_category, save_disclosure_rule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "regime",
        "code",
        "article",
        "is_permanent",
        "needs_notice_boards",
        "needs_loudspeaker",
        "needs_village_head",
        "default_audience",
        "position",
        "is_active",
    )
    list_editable = ("position", "is_active")
    list_filter = ("regime", "is_active", "is_permanent", "needs_notice_boards", "default_audience")
    search_fields = ("name", "name_en", "code", "article")
    ordering = ("regime", "position", "number")

    def get_readonly_fields(self, request, obj=None):
        # Publications and the compliance figures refer to the code and the regime: fixed once the row exists.
        return ("code", "regime") if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # publications keep their category; an unused one is made inactive instead

    def save_model(self, request, obj, form, change):
        save_category(obj, actor=request.user)


class DisclosureRuleForm(forms.ModelForm):
    rule = forms.ChoiceField(
        label=_("rule"), choices=[(key, f"{key} – {label}") for key, label in legal.RULE_LABELS.items()]
    )

    class Meta:
        model = DisclosureRule
        fields = ("rule", "valid_from", "days", "day_type", "article", "note")
        help_texts = {
            "valid_from": _(
                "Items decided from this day follow this value. To change a value from a date on, add a row "
                "with that date instead of editing the older row."
            ),
        }


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(admin.ModelAdmin):
    form = DisclosureRuleForm
    list_display = ("rule", "valid_from", "days", "day_type", "article", "note")
    list_filter = ("rule", "day_type")
    search_fields = ("rule", "article", "note")
    date_hierarchy = "valid_from"
    ordering = ("rule", "valid_from")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the value in force on an old item's decision date must stay known

    def save_model(self, request, obj, form, change):
        save_disclosure_rule(obj, actor=request.user)


PUBLICATION_FIELDS = (
    "code",
    "unit",
    "category",
    "audience",
    "state",
    "title",
    "decision_date",
    "document_number",
    "disclosed_on",
    "period_label",
    "plan_item",
    "version_count",
    "current_version",
    "withdrawn_on",
    "withdrawal_reason",
    "created_by",
    "created_at",
    "updated_at",
)


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "unit", "category", "state", "audience", "decision_date", "disclosed_on")
    list_filter = ("state", "audience", "category__regime")
    search_fields = ("code",)
    date_hierarchy = "decision_date"
    list_select_related = ("unit", "category")
    show_full_result_count = False
    fields = PUBLICATION_FIELDS
    readonly_fields = PUBLICATION_FIELDS
