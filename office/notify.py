"""In-app notifications, sent after the transaction that caused them commits."""
from django.db import transaction

from .models import Notification


def notify(users, text, url=""):
    """Queue a notification to each user once the current transaction commits."""
    recipients = {u.pk for u in users if u is not None}

    def send():
        Notification.objects.bulk_create([Notification(user_id=pk, text=text[:300], url=url) for pk in recipients])

    transaction.on_commit(send)
