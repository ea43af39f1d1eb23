import pytest
from django_tasks_db.models import DBTaskResult

from tests.documents.conftest import clerk, other_clerk, unit  # noqa: F401
from tests.documents.conftest import run_tasks as run_all_tasks  # noqa: F401


def run_one_job() -> None:
    from django_tasks_db.management.commands import db_worker

    db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def run_tasks(run_all_tasks):  # noqa: F811
    """This app's jobs only: the text extraction (OCR) and indexing of the other apps are not
    what these tests are about and cost seconds each (`run_all_tasks` runs every job, for the
    one test that follows a copy's text)."""

    def run():
        for _round in range(50):
            DBTaskResult.objects.filter(status="READY").exclude(
                task_path__startswith="lienthong.exchange."
            ).delete()
            if not DBTaskResult.objects.ready().exists():
                return
            run_one_job()

    return run
