from django.urls import path

from . import views

app_name = "onestop"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("so-theo-doi/", views.tracking_book, name="book"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier"),
    path("ho-so/<int:pk>/mau-<str:form>.pdf", views.form_pdf, name="form-pdf"),
    path("ho-so/<int:pk>/tep/<int:component_pk>/", views.component_file, name="component"),
    path("ho-so/<int:pk>/ket-qua/", views.result_file, name="result"),
    path("ho-so/<int:pk>/<slug:action>/", views.dossier_action, name="action"),
]
