try:
    from dancoso.core import admin_calendar  # noqa: F401  (calendar admin, owned by the calendar engineer)
except ImportError as missing:  # only until dancoso/core/admin_calendar.py exists
    if "admin_calendar" not in str(missing):
        raise

# Admin for the shared kernel: the ledger and attachments can be read, never changed; notifications can be
# put back in the queue with "retry now".

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dancoso.core import notify
from dancoso.core.models import Attachment, LedgerEntry, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "action", "actor_label", "object_type", "object_id", "unit_id")
    list_filter = ("action",)
    search_fields = ("action", "object_type", "object_id", "actor_label", "hash")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "media_type", "size", "unit_id", "uploaded_by", "created_at")
    list_filter = ("media_type",)
    search_fields = ("original_name", "sha256")
    # The file itself is served only by views that check permission, so no download link here.
    exclude = ("file",)
    readonly_fields = tuple(field.name for field in Attachment._meta.fields if field.name != "file")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "recipient", "subject", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "channel")
    search_fields = ("recipient", "subject", "dedupe_key")
    actions = ("retry_now",)
    readonly_fields = tuple(field.name for field in Notification._meta.fields)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The "change" permission lets staff run "retry now" from the list; a row itself is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = notify.retry_now(queryset, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again now.",
                "%(count)d notifications will be sent again now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
