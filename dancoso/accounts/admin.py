"""Admin for users, memberships and role policies. Every save goes through accounts.services."""

from contextvars import ContextVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from dancoso.accounts import services
from dancoso.accounts.models import Membership, RolePolicy, User

# The admin instance is shared by all requests; the acting user for the password form travels per request.
_acting_user: ContextVar = ContextVar("accounts_admin_acting_user", default=None)

USER_FORM_FIELDS = (
    "username",
    "full_name",
    "phone",
    "email",
    "preferred_language",
    "is_active",
    "is_staff",
    "is_superuser",
)


class ServicePasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data.get("password1") if usable else None
        return services.set_password(self.user, actor=_acting_user.get(), password=password or None)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("unit", "role", "covers_subtree", "title", "valid_from", "valid_until", "is_active")
    autocomplete_fields = ("unit",)


def save_membership(request, membership: Membership, form, change: bool) -> Membership:
    """Create or edit a membership from an admin form through the services."""
    if not change:
        return services.grant_membership(
            actor=request.user,
            user=membership.user,
            unit=membership.unit,
            role=membership.role,
            covers_subtree=form.cleaned_data.get("covers_subtree"),
            title=membership.title,
            valid_from=membership.valid_from,
            valid_until=membership.valid_until,
        )
    stored = Membership.objects.get(pk=membership.pk)
    if stored.is_active and not membership.is_active:
        return services.revoke_membership(stored, actor=request.user)
    changes = {
        name: getattr(membership, name)
        for name in services.MEMBERSHIP_EDITABLE_FIELDS
        if name in form.changed_data
    }
    return services.update_membership(stored, actor=request.user, **changes) if changes else stored


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = AdminUserCreationForm
    change_password_form = ServicePasswordChangeForm
    inlines = (MembershipInline,)
    list_display = ("username", "full_name", "phone", "email", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "memberships__role")
    search_fields = ("username", "full_name", "phone", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "email", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "phone",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def user_change_password(self, request, id, form_url=""):
        token = _acting_user.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_user.reset(token)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in USER_FORM_FIELDS if name in form.changed_data}
            saved = services.update_user(User.objects.get(pk=obj.pk), actor=request.user, **changes)
        else:
            usable = data.get("set_usable_password", True)
            saved = services.create_user(
                actor=request.user,
                username=data["username"],
                password=data.get("password1") if usable else None,
                full_name=data.get("full_name", ""),
                phone=data.get("phone"),
                email=data.get("email"),
            )
        obj.pk = saved.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not formset._should_delete_form(inline_form):
                continue
            membership = inline_form.instance
            if formset._should_delete_form(inline_form):
                if membership.pk:
                    services.revoke_membership(membership, actor=request.user)
                continue
            if inline_form.cleaned_data:
                membership.user = form.instance
                save_membership(request, membership, inline_form, change=membership.pk is not None)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "unit",
        "role",
        "covers_subtree",
        "title",
        "valid_from",
        "valid_until",
        "is_active",
    )
    list_filter = ("role", "is_active", "covers_subtree")
    search_fields = ("user__username", "user__full_name", "unit__name", "title")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit")
    fields = ("user", "unit", "role", "covers_subtree", "title", "valid_from", "valid_until", "is_active")

    def get_readonly_fields(self, request, obj=None):
        # Who, where and which role identify a membership; change them by revoking and granting anew.
        return ("user", "unit", "role") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = save_membership(request, obj, form, change)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.revoke_membership(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("unit", "user"):
            services.revoke_membership(membership, actor=request.user)


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    list_display = ("role", "require_two_factor", "updated_at")
    list_editable = ("require_two_factor",)
    fields = ("role", "require_two_factor")

    def get_readonly_fields(self, request, obj=None):
        return ("role",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = services.set_role_policy(
            actor=request.user, role=obj.role, require_two_factor=obj.require_two_factor
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False
