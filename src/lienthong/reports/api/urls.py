from django.urls import path

from .views import (
    AgencyReportValuesView,
    AgencyReportView,
    OneStopReportView,
    ReportFormListView,
    ReportPeriodView,
)

urlpatterns = [
    path("reports/one-stop/", OneStopReportView.as_view(), name="report-one-stop"),
    path("reports/forms/", ReportFormListView.as_view(), name="report-form-list"),
    path("reports/periods/<int:pk>/", ReportPeriodView.as_view(), name="report-period-detail"),
    path("reports/agency-reports/<int:pk>/", AgencyReportView.as_view(), name="agency-report"),
    path(
        "reports/agency-reports/<int:pk>/values/",
        AgencyReportValuesView.as_view(),
        name="agency-report-values",
    ),
]
