from django.contrib import admin

from office.admin import SharedSetupAdmin

from .models import ContentCategory


@admin.register(ContentCategory)
class ContentCategoryAdmin(SharedSetupAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


# Petitions are not in the admin: they are read on their own pages, masked, within the township
# and logged when revealed (docs/domain.md §8).
