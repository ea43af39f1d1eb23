"""The second installation (a ministry) in the cross-installation test, run as its own process
with its own database: `python tests/exchange/installation_b.py <steps...>`, the axis given by
LIENTHONG_AXIS_* and the database by DATABASE_URL. Prints what it saw as one JSON line.

Steps: setup (tables, the ministry's office and its clerk), receive (poll the axis and run the
resulting jobs), register, assign, complete (the clerk and the workflow's status reports).

`python tests/exchange/installation_b.py serve` keeps the installation running (Django started
once: that start is most of a step's time) and takes one line of steps at a time on its standard
input, the first word optionally `endpoint=<url>` (the axis moved), answering each line with the
JSON line of what it saw."""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.exchange.installation_b_settings")
sys.path.insert(0, os.getcwd())

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django_tasks_db.management.commands import db_worker  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from lienthong.accounts import services as accounts  # noqa: E402
from lienthong.accounts.constants import AgencyKind, Role  # noqa: E402
from lienthong.accounts.models import RoleGrant, User  # noqa: E402
from lienthong.documents.models import Document  # noqa: E402
from lienthong.exchange import axis_services, services  # noqa: E402
from lienthong.exchange.models import AxisPackage, AxisReceipt  # noqa: E402

CODE = "000.00.01.G01"


def run_exchange_jobs() -> None:
    """The worker, for this app's jobs only (text extraction is not what is tested)."""
    for _round in range(50):
        DBTaskResult.objects.filter(status="READY").exclude(
            task_path__startswith="lienthong.exchange."
        ).delete()
        if not DBTaskResult.objects.ready().exists():
            return
        db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=1,
            worker_id="installation-b",
            excluded_queue_names=[],
        ).run()


def clerk() -> User:
    return User.objects.get(username="vanthu.botn")


def the_copy() -> Document:
    return Document.objects.get(direction="incoming", agency__code=CODE)


def setup() -> None:
    call_command("migrate", run_syncdb=True, verbosity=0)
    office = accounts.create_agency(
        actor=None,
        code=CODE,
        name="Văn phòng Bộ Thử nghiệm",
        abbreviation="VP",
        kind=AgencyKind.DEPARTMENT,
        place_name="Hà Nội",
    )
    user = User.objects.create_user(
        username="vanthu.botn", password=None, full_name="Văn thư Bộ", agency=office
    )
    RoleGrant.objects.create(user=user, role=Role.CLERK)
    trust = os.environ.get("INSTALLATION_B_TRUSTS", "")
    if trust:  # the root of the province's certificate, as a ministry's administrator adds it
        from lienthong.signatures.services import add_trusted_certificate

        with open(trust, "rb") as handle:
            add_trusted_certificate(actor=None, data=handle.read(), name="Test root")
    # Load the URL configuration now (receiving links notifications to pages): it costs seconds
    # the first time, better spent while the province works than while it waits.
    get_resolver().url_patterns  # noqa: B018


def receive() -> None:
    axis_services.poll()
    run_exchange_jobs()


def register() -> None:
    services.accept_delivered(actor=clerk(), document=the_copy())
    run_exchange_jobs()


def assign() -> None:
    services.report_status(document=the_copy(), status="04")
    run_exchange_jobs()


def complete() -> None:
    services.report_status(document=the_copy(), status="06")
    run_exchange_jobs()


def report() -> dict[str, object]:
    copies = Document.objects.filter(direction="incoming")
    copy = copies.first()
    return {
        "copies": copies.count(),
        "subject": copy.subject if copy else "",
        "number": copy.number_and_symbol if copy else "",
        "status": copy.status if copy else "",
        "attachments": [
            v.original_name
            for a in (copy.attachments.all() if copy else [])
            for v in a.versions.all()
        ],
        "signature": list(AxisReceipt.objects.values_list("signature", flat=True)),
        "received": list(
            AxisPackage.objects.filter(direction="received").values_list("outcome", flat=True)
        ),
        "statuses_sent": list(
            AxisPackage.objects.filter(direction="sent", kind="status")
            .exclude(axis_doc_id="")
            .values_list("status_code", flat=True)
        ),
    }


STEPS = {
    "setup": setup,
    "receive": receive,
    "register": register,
    "assign": assign,
    "complete": complete,
}


def run(steps: list[str]) -> None:
    for step in steps:
        if step.startswith("endpoint="):
            settings.LIENTHONG_AXIS_ENDPOINT = step.removeprefix("endpoint=")
        else:
            STEPS[step]()
    print(json.dumps(report(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        for line in sys.stdin:
            run(line.split())
    else:
        run(sys.argv[1:])
