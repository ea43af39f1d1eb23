from django.urls import path

from . import views

urlpatterns = [
    path("documents/<int:pk>/deliveries/", views.deliveries, name="document-deliveries"),
    path("documents/<int:pk>/accept-delivery/", views.accept, name="document-accept-delivery"),
    path("documents/<int:pk>/reject-delivery/", views.reject, name="document-reject-delivery"),
    path("documents/<int:pk>/recall/", views.recall, name="document-recall"),
    path("documents/<int:pk>/answer-recall/", views.answer_recall, name="document-answer-recall"),
    path("documents/<int:pk>/axis-deliveries/", views.axis_deliveries, name="axis-deliveries"),
    path("axis/packages/", views.axis_packages, name="axis-packages"),
    path("axis/packages/<int:pk>/", views.axis_package_original, name="axis-package"),
    path("axis/requests/", views.axis_requests, name="axis-requests"),
    path("axis/requests/<int:pk>/answer/", views.axis_request_answer, name="axis-request-answer"),
]
