"""Cache invalidation only: business logic never lives in signals."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarOverride, CalendarYear


@receiver([post_save, post_delete], sender=CalendarOverride)
@receiver([post_save, post_delete], sender=CalendarYear)
def forget_calendar_overrides(**kwargs):
    calendar.clear_cache()
