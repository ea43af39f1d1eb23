from django.urls import path

from . import views

urlpatterns = [
    path("documents/<int:pk>/deliveries/", views.deliveries, name="document-deliveries"),
    path("documents/<int:pk>/accept-delivery/", views.accept, name="document-accept-delivery"),
    path("documents/<int:pk>/reject-delivery/", views.reject, name="document-reject-delivery"),
    path("documents/<int:pk>/recall/", views.recall, name="document-recall"),
    path("documents/<int:pk>/answer-recall/", views.answer_recall, name="document-answer-recall"),
]
