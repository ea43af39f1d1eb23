from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("van-ban/<int:pk>/tiep-nhan/", views.accept, name="accept"),
    path("van-ban/<int:pk>/tu-choi/", views.reject, name="reject"),
    path("van-ban/<int:pk>/thu-hoi/", views.recall, name="recall"),
    path("van-ban/<int:pk>/tra-loi-thu-hoi/", views.answer_recall, name="answer-recall"),
]
