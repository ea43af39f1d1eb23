from django.urls import path

from . import axis_views, views

app_name = "exchange"

urlpatterns = [
    path("van-ban/<int:pk>/tiep-nhan/", views.accept, name="accept"),
    path("van-ban/<int:pk>/tu-choi/", views.reject, name="reject"),
    path("van-ban/<int:pk>/thu-hoi/", views.recall, name="recall"),
    path("van-ban/<int:pk>/tra-loi-thu-hoi/", views.answer_recall, name="answer-recall"),
    path("truc/van-ban/<int:pk>/", axis_views.document_page, name="axis-document"),
    path("truc/van-ban/<int:pk>/gui/", axis_views.send, name="axis-send"),
    path("truc/van-ban/<int:pk>/gui-lai/", axis_views.retry, name="axis-retry"),
    path("truc/van-ban/<int:pk>/goi-tin/", axis_views.packages, name="axis-packages"),
    path("truc/danh-ba/", axis_views.directory, name="axis-directory"),
    path("truc/yeu-cau/", axis_views.requests_page, name="axis-requests"),
]
