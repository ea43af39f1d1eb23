from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-nhap/can-bo/", views.SignInView.as_view(officials=True), name="staff-login"),
    path("quen-mat-khau/", views.password_reset_request, name="password-reset"),
    path("quen-mat-khau/da-gui/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password-reset-confirm",
    ),
    path("quen-mat-khau/xong/", views.password_reset_complete, name="password-reset-complete"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("to-chuc/co-quan/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("to-chuc/nguoi-dung/<int:pk>/", views.user_detail, name="user-detail"),
    path(
        "to-chuc/nguoi-dung/<int:pk>/dat-lai-xac-thuc-hai-yeu-to/",
        views.two_factor_reset,
        name="two-factor-reset",
    ),
    path("tai-khoan/bao-mat/", views.two_factor_security, name="two-factor"),
    path("tai-khoan/xac-thuc-hai-yeu-to/", views.two_factor_verify, name="two-factor-verify"),
    path("tai-khoan/xac-thuc-hai-yeu-to/dang-ky/", views.two_factor_enrol, name="two-factor-enrol"),
    path(
        "tai-khoan/xac-thuc-hai-yeu-to/ma-du-phong/",
        views.two_factor_backup_codes,
        name="two-factor-backup-codes",
    ),
]
