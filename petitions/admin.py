from django.contrib import admin

from office.admin import ReadOnlyHistoryAdmin

from .models import ContentCategory, Petition


@admin.register(ContentCategory)
class ContentCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyHistoryAdmin):
    """Read-only in the admin: cases change only through the workflow."""

    list_display = ["number", "title", "status", "received_on", "township"]
    list_filter = ["township", "status", "channel"]
    search_fields = ["number", "title"]
