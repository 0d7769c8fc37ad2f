"""The one task on the queue: run a recorded job (docs/architecture.md §14)."""
from django_tasks import task


@task()
def run_job(job_id):
    """Run the background job ``job_id`` (its kind says what it does)."""
    from .services import run

    run(job_id)
