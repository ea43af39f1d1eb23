from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("ipn/", views.ipn, name="gateway-ipn"),
    path("ket-qua/", views.return_view, name="gateway-return"),
    path("<str:txn_ref>/", views.payment_detail, name="detail"),
]
