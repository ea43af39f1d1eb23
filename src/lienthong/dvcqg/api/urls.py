from django.urls import URLPattern, URLResolver, path

from .views import ProcedureCodeList, StatusPushList

urlpatterns: list[URLPattern | URLResolver] = [
    path("dvcqg/pushes/", StatusPushList.as_view(), name="dvcqg-push-list"),
    path("dvcqg/procedure-codes/", ProcedureCodeList.as_view(), name="dvcqg-procedure-code-list"),
]
