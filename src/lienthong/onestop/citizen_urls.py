from django.urls import path

from . import views

app_name = "citizen"

urlpatterns = [
    path("dang-ky/", views.sign_up, name="sign-up"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/ket-qua/", views.track_result, name="track-result"),
    path("kiem-tra/", views.check_file, name="check-file"),
    path("ho-so/", views.my_dossiers, name="my-dossiers"),
    path("nop-ho-so/<int:procedure_pk>/", views.file_online, name="file"),
    path("ho-so/<int:pk>/", views.my_dossier, name="my-dossier"),
    path("ho-so/<int:pk>/mau-<str:form>.pdf", views.form_pdf, name="form-pdf"),
    path("ho-so/<int:pk>/tep/<int:component_pk>/", views.component_file, name="component"),
    path("ho-so/<int:pk>/ket-qua/", views.result_file, name="result"),
    path("ho-so/<int:pk>/<slug:action>/", views.my_dossier_action, name="action"),
]
