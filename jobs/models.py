"""Long work run off the request (docs/architecture.md §14): one row per export or import a user started.

The task queue (django-tasks, database backend) only carries the job's id; what was asked, by whom,
how far it got, the file it made and what went wrong are kept here, where the user's pages can read
them. A job is seen only by the user who started it, in their own township.
"""
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from office.models import Township


def job_path(instance, filename):
    # Private media (never served by a URL): the file is sent only by the permission-checked download.
    return f"jobs/{instance.township_id}/{uuid.uuid4().hex}.xlsx"


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    kind = models.CharField(_("kind"), max_length=40)
    label = models.CharField(_("Work"), max_length=100)
    params = models.JSONField(default=dict, blank=True)  # the filters or the batch, as the page sent them
    # The case the work is about (an archive dossier): whoever may see the case sees the job (§14).
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=job_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    # What the download writes in the access log (the same target and detail as an immediate export).
    log_target = models.CharField(max_length=100, blank=True)
    log_detail = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=200, blank=True)  # an import: its record in 导入记录
    result = models.JSONField(default=dict, blank=True)  # what the work found, for the page that shows it
    error = models.TextField(_("error"), blank=True)  # in the interface language (Chinese), for the user
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "kind", "created_at"], name="job_user_kind"),
                   models.Index(fields=["subject_type", "subject_id"], name="job_subject")]

    def __str__(self):
        return f"{self.label} #{self.pk}"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def kind_of_work(self):
        from .registry import KINDS

        return KINDS.get(self.kind)

    @property
    def counts_rows(self):
        """Whether done/total are rows (an export, an import) rather than steps (a dossier)."""
        kind = self.kind_of_work
        return kind is None or kind.counts_rows

    @property
    def result_label(self):
        kind = self.kind_of_work
        return kind.result_label if kind is not None and kind.result_label else _("Open the result")

    @property
    def retryable(self):
        kind = self.kind_of_work
        return self.status == self.Status.FAILED and kind is not None and kind.retry

    @property
    def downloadable(self):
        return self.status == self.Status.DONE and bool(self.file) and self.file_deleted_at is None
