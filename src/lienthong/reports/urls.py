from django.urls import path

from . import dashboard_views, periodic_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="onestop"),
    path("xlsx/", views.report_export, name="onestop-xlsx"),
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("dinh-ky/", periodic_views.periodic, name="periodic"),
    path("dinh-ky/bieu-mau/<int:pk>/", periodic_views.form_detail, name="form"),
    path("dinh-ky/bieu-mau/<int:pk>/sua/", periodic_views.form_edit, name="form-edit"),
    path("dinh-ky/ky/<int:pk>/", periodic_views.period_detail, name="period"),
    path("dinh-ky/bao-cao/<int:pk>/", periodic_views.report_detail, name="report"),
    path("dinh-ky/bao-cao/<int:pk>/xlsx/", periodic_views.report_xlsx, name="report-xlsx"),
    path("dinh-ky/bao-cao/<int:pk>/tai-len/", periodic_views.report_upload, name="report-upload"),
    path("dinh-ky/bao-cao/<int:pk>/gui/", periodic_views.report_submit, name="report-submit"),
    path("dinh-ky/bao-cao/<int:pk>/xu-ly/", periodic_views.report_decide, name="report-decide"),
    path(
        "dinh-ky/bao-cao/<int:pk>/rut-lai/",
        periodic_views.report_take_back,
        name="report-take-back",
    ),
    path(
        "dinh-ky/bao-cao/<int:pk>/quoc-gia/", periodic_views.report_national, name="report-national"
    ),
    path("lanh-dao/", dashboard_views.dashboard, name="dashboard"),
    path("lanh-dao/danh-sach/", dashboard_views.processing_list, name="processing-list"),
    path("chi-so-766/", dashboard_views.index_page, name="index766"),
]
