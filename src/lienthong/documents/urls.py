from django.urls import path

from . import views
from .constants import Direction

app_name = "documents"

urlpatterns = [
    path("van-ban-den/", views.document_list, {"direction": Direction.INCOMING}, name="incoming"),
    path("van-ban-den/vao-so/", views.register_incoming, name="register-incoming"),
    path("van-ban-di/", views.document_list, {"direction": Direction.OUTGOING}, name="outgoing"),
    path("van-ban-di/moi/", views.record_outgoing, name="record-outgoing"),
    path("van-ban/<int:pk>/", views.detail, name="detail"),
    path("van-ban/<int:pk>/phat-hanh/", views.issue, name="issue"),
    path("van-ban/<int:pk>/dinh-kem/", views.add_attachment, name="add-attachment"),
    path("tep/<int:pk>/", views.attachment_file, name="file"),
    path("tim-kiem/", views.search, name="search"),
    path("so-van-ban/", views.register_list, name="registers"),
    path("so-van-ban/<int:pk>/", views.register_detail, name="register"),
    path("so-van-ban/<int:pk>/lay-so/", views.reserve, name="reserve"),
    path("so-van-ban/<int:pk>/tra-so/<int:allocation_pk>/", views.release, name="release"),
]
