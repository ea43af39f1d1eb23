from django.urls import path

from .views import (
    AgencyReportAcceptView,
    AgencyReportNationalView,
    AgencyReportReturnView,
    AgencyReportSubmitView,
    AgencyReportTakeBackView,
    AgencyReportValuesView,
    AgencyReportView,
    Index766View,
    OneStopReportView,
    ProcessingStatisticsView,
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
    path(
        "reports/agency-reports/<int:pk>/submit/",
        AgencyReportSubmitView.as_view(),
        name="agency-report-submit",
    ),
    path(
        "reports/agency-reports/<int:pk>/accept/",
        AgencyReportAcceptView.as_view(),
        name="agency-report-accept",
    ),
    path(
        "reports/agency-reports/<int:pk>/return/",
        AgencyReportReturnView.as_view(),
        name="agency-report-return",
    ),
    path(
        "reports/agency-reports/<int:pk>/take-back/",
        AgencyReportTakeBackView.as_view(),
        name="agency-report-take-back",
    ),
    path(
        "reports/agency-reports/<int:pk>/national/",
        AgencyReportNationalView.as_view(),
        name="agency-report-national",
    ),
    path("reports/processing/", ProcessingStatisticsView.as_view(), name="report-processing"),
    path("reports/index-766/", Index766View.as_view(), name="report-index-766"),
]
