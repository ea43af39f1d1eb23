"""One web process's worth of public tracking look-ups, for the test that two processes share
their counts: `python -m tests.onestop.track_process CODE N` posts N look-ups of CODE with a
wrong factor through Django's own request handling and prints the status codes as JSON.
DATABASE_URL names the database (the test's), DJANGO_SETTINGS_MODULE the settings."""

from __future__ import annotations

import json
import sys

import django


def main(code: str, times: int) -> list[int]:
    django.setup()
    from django.test import Client

    client = Client(REMOTE_ADDR="203.0.113.7")
    return [
        client.post("/cong-dan/tra-cuu/", {"code": code, "factor": "0900000000"}).status_code
        for _ in range(times)
    ]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
