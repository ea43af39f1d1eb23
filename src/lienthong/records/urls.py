from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.my_files, name="mine"),
    path("tat-ca/", views.agency_files, name="list"),
    path("mo/", views.open_file, name="open"),
    path("danh-muc/", views.catalog, name="catalog"),
    path("danh-muc/tao/", views.create_catalog, name="create-catalog"),
    path("danh-muc/<int:pk>/them-muc/", views.add_catalog_entry, name="add-entry"),
    path("thoi-han-bao-quan/", views.retention_table, name="retention"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/them-van-ban/", views.add_document, name="add-document"),
    path("<int:pk>/rut-van-ban/<int:ordinal>/", views.withdraw_document, name="withdraw"),
    path("<int:pk>/ket-thuc/", views.close_file, name="close"),
    path("<int:pk>/mo-lai/", views.reopen_file, name="reopen"),
    path("<int:pk>/xuat/", views.export, name="export"),
]
