from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("chuong/", views.bell, name="bell"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("da-doc-tat-ca/", views.mark_all_read, name="mark-all-read"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/da-doc/", views.mark_read, name="mark-read"),
]
