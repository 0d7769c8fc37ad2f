from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ContentCategory, Petition


@admin.register(ContentCategory)
class ContentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Petition)
class PetitionAdmin(SimpleHistoryAdmin):
    """Read-only in the admin: cases change only through the workflow."""

    list_display = ["number", "title", "status", "received_on", "township"]
    list_filter = ["township", "status", "channel"]
    search_fields = ["number", "title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
