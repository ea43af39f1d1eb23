import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.conf.base")
application = get_wsgi_application()

if os.environ.get("LIENTHONG_WARM_UP", "1") != "0":
    # Before any worker accepts a connection (`serve` preloads the application in gunicorn's
    # master, then forks the workers): the first visitor gets a warm worker.
    from lienthong.core.warmup import warm_up

    logging.getLogger("lienthong.core.warmup").info(
        "application warmed up in %.0f ms (process %s)", warm_up() * 1000, os.getpid()
    )
