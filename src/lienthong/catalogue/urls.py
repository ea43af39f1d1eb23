from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue_home, name="home"),
    path("<int:pk>/", views.procedure_detail, name="procedure"),
    path("<int:pk>/mau/<int:form_pk>/", views.form_download, name="form-download"),
    path("nhap-tu-excel/", views.import_spreadsheet, name="import"),
    path("nhap-tu-excel/mau-nhap-thu-tuc.xlsx", views.import_template, name="import-template"),
]
