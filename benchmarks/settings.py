"""Settings of the load benchmark's server: the production settings (`lienthong.conf.base`,
configured by the same environment variables) plus one URL, the floor view of benchmarks/urls.py.
Nothing else differs, so the floor pays for exactly the same middleware as every page."""

from lienthong.conf.base import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
