"""Settings of the second installation in the cross-installation test (a ministry): the test
settings, its own SQLite file and data folder (from the environment), and its tables made
straight from the models (no migrations: quicker, and nothing of the province's database)."""

from lienthong.conf.test import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: object) -> None:
        return None


MIGRATION_MODULES = _NoMigrations()
