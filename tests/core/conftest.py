from tests.documents.conftest import clerk, register_incoming, run_tasks  # noqa: F401
