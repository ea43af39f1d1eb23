from tests.documents.conftest import clerk, other_clerk, run_tasks, unit  # noqa: F401
