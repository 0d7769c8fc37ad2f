from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = _("Office setup")

    def ready(self):
        from . import accounts, checks, signals  # noqa: F401  (registers checks, the account record, cache invalidation)
