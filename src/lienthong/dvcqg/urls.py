from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "dvcqg"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.sync, name="sync"),
    path("ho-so/<int:pk>/gui-lai/", views.retry, name="retry"),
    path("lay-ho-so/", views.pull, name="pull"),
    path("ket-qua/", views.result_file, name="result-file"),
]
