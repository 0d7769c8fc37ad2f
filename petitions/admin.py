from django.contrib import admin

from office.admin import SharedSetupAdmin

from .models import ContentCategory


@admin.register(ContentCategory)
class ContentCategoryAdmin(SharedSetupAdmin):
    # No list_editable: the list shows inherited rows the administrator may only read (office/admin.py).
    list_display = ["name", "sort_order", "is_active", "county", "township"]
    list_select_related = ["county", "township"]


# Petitions are not in the admin: they are read on their own pages, masked, within the township
# and logged when revealed (docs/domain.md §8).
