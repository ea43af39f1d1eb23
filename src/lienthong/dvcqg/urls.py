from django.urls import URLPattern, URLResolver

app_name = "dvcqg"

urlpatterns: list[URLPattern | URLResolver] = []
