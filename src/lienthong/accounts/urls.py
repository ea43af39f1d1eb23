from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
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
