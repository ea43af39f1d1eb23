from django.urls import path

from . import views

app_name = "drafting"

urlpatterns = [
    path("", views.draft_list, {"box": "mine"}, name="mine"),
    path("cho-xu-ly/", views.draft_list, {"box": "awaiting"}, name="awaiting"),
    path("tat-ca/", views.draft_list, {"box": "all"}, name="all"),
    path("moi/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/phien-ban/", views.upload, name="upload"),
    path("<int:pk>/trinh/", views.submit, name="submit"),
    path("<int:pk>/duyet/", views.review, name="review"),
    path("<int:pk>/xin-y-kien/", views.request_comments, name="request-comments"),
    path("<int:pk>/gop-y/", views.comment, name="comment"),
    path("<int:pk>/trinh-ky/", views.send_to_signer, name="send-to-signer"),
    path("<int:pk>/ky/", views.sign, name="sign"),
    path("<int:pk>/ky-so/", views.sign_digitally, name="sign-digitally"),
    path("thay-the/<int:document_pk>/", views.replace_document, name="replace"),
    path("tra-loi/<int:document_pk>/", views.reply, name="reply"),
    path("<int:pk>/ky-tu-xa/", views.remote_sign, name="remote-sign"),
    path("<int:pk>/ky-tu-xa/kiem-tra/", views.remote_refresh, name="remote-refresh"),
    path("<int:pk>/ky-tu-xa/huy/", views.remote_abandon, name="remote-abandon"),
    path("<int:pk>/rut/", views.withdraw, name="withdraw"),
    path("<int:pk>/phat-hanh/", views.issue, name="issue"),
    path("phien-ban/<int:pk>/tai-ve/", views.version_file, name="file"),
]
