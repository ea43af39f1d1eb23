from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("", views.index, name="index"),
    path("tin-cay/", views.add_trust, name="add-trust"),
    path("chung-thu/", views.add_credential, name="add-credential"),
    path("thu-hoi/", views.revoke, name="revoke"),
    path("kiem-tra-lai/<int:pk>/", views.recheck, name="recheck"),
    path("ky-tu-xa/<slug:provider>/callback/", views.remote_callback, name="remote-callback"),
]
