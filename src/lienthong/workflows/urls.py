from django.urls import path

from . import views

app_name = "workflows"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("van-ban/<int:pk>/", views.document_panel, name="document"),
    path("van-ban/<int:pk>/trinh/", views.present, name="present"),
    path("van-ban/<int:pk>/giao/", views.assign, name="assign"),
    path("van-ban/<int:pk>/phieu-giai-quyet.pdf", views.slip_pdf, name="slip"),
    path("giao-viec/<int:pk>/phan-cong/", views.reassign, name="reassign"),
    path("giao-viec/<int:pk>/tien-do/", views.progress, name="progress"),
    path("giao-viec/<int:pk>/hoan-thanh/", views.complete, name="complete"),
    path("giao-viec/<int:pk>/tra-lai/", views.return_document, name="return"),
]
