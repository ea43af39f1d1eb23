"""The REST API root: /api/v1/ gathers each app's api module."""

from django.urls import include, path

app_name = "v1"

urlpatterns = [
    path("", include("lienthong.accounts.api.urls")),
    path("", include("lienthong.documents.api.urls")),
    path("", include("lienthong.workflows.api.urls")),
    path("", include("lienthong.drafting.api.urls")),
    path("", include("lienthong.signatures.api.urls")),
    path("", include("lienthong.records.api.urls")),
    path("", include("lienthong.exchange.api.urls")),
    path("", include("lienthong.notifications.api.urls")),
    path("", include("lienthong.payments.api.urls")),
    path("", include("lienthong.reports.api.urls")),
    path("", include("lienthong.catalogue.api.urls")),
    path("", include("lienthong.onestop.api.urls")),
    path("", include("lienthong.meetings.api.urls")),
    path("", include("lienthong.tasks.api.urls")),
    path("", include("lienthong.mail.api.urls")),
    path("", include("lienthong.training.api.urls")),
    path("", include("lienthong.quality.api.urls")),
    path("", include("lienthong.dvcqg.api.urls")),
    path("", include("lienthong.portal.api.urls")),
]
