from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="onestop"),
    path("xlsx/", views.report_export, name="onestop-xlsx"),
]
