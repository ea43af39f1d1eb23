from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.classes, name="classes"),
    path("lop/mo/", views.open_class, name="open-class"),
    path("lop/<int:pk>/", views.class_detail, name="class"),
    path("lop/<int:pk>/de-cu/", views.nominate, name="nominate"),
    path("lop/<int:pk>/cap-chung-nhan/", views.issue, name="issue"),
    path("ghi-danh/<int:pk>/duyet/", views.decide, name="decide"),
    path("ghi-danh/<int:pk>/ket-qua/", views.result, name="result"),
    path("buoi/<int:pk>/diem-danh/", views.attendance, name="attendance"),
    path("chung-nhan/<int:pk>/", views.certificate_pdf, name="certificate"),
    path("chung-nhan/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
    path("xac-minh/<str:code>/", views.verify, name="verify"),
    path("qua-trinh/", views.record, name="my-record"),
    path("qua-trinh/<int:user_pk>/", views.record, name="record"),
    path("ke-hoach/", views.plan, name="plan"),
    path("thong-ke/", views.statistics, name="stats"),
    path("huong-dan/", views.guide, name="guide"),
]
