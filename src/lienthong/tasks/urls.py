from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.board, name="board"),
    path("giao/", views.create, name="create"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tien-do/", views.progress, name="progress"),
    path("<int:pk>/gia-han/", views.extension, name="extension"),
    path("<int:pk>/quyet-dinh-gia-han/", views.decide, name="decide"),
    path("<int:pk>/hoan-thanh/", views.complete, name="complete"),
    path("<int:pk>/danh-gia/", views.evaluate, name="evaluate"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
]
