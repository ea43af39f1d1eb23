"""Video engines behind one interface: Jitsi Meet (token authentication) and BigBlueButton
(checksum-signed API). `provider_for(name)` gives the configured client."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import Recording, VideoError, VideoProviderClient
from .bbb import BigBlueButton
from .jitsi import JitsiMeet

PROVIDERS: dict[str, type[VideoProviderClient]] = {"jitsi": JitsiMeet, "bbb": BigBlueButton}


def provider_for(name: str) -> VideoProviderClient:
    try:
        return PROVIDERS[name].from_settings()
    except KeyError:
        raise ImproperlyConfigured(f"unknown video provider {name!r}") from None


__all__ = ["PROVIDERS", "Recording", "VideoError", "VideoProviderClient", "provider_for"]
