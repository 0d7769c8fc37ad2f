from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = _("Office setup")

    def ready(self):
        # Registers the checks, the account record, the idle clock's start and cache invalidation.
        from . import accounts, checks, security, signals  # noqa: F401
