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
]
