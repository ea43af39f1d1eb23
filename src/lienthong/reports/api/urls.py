from django.urls import path

from .views import OneStopReportView

urlpatterns = [
    path("reports/one-stop/", OneStopReportView.as_view(), name="report-one-stop"),
]
