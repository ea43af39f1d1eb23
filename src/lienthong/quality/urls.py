from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.home, name="home"),
    path("danh-gia/<int:pk>/", views.audit_detail, name="audit"),
    path("danh-gia/<int:pk>/phat-hien/", views.add_finding, name="add-finding"),
    path("phat-hien/<int:pk>/hanh-dong/", views.add_action, name="add-action"),
    path("hanh-dong/", views.my_actions, name="my-actions"),
    path("hanh-dong/<int:pk>/", views.action_detail, name="action"),
    path("xem-xet/", views.review, name="review"),
    path("bao-cao/", views.report, name="report"),
    path("huong-dan/", views.guide, name="guide"),
]
