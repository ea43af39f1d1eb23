from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "mail"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("thu-den/", views.inbox, name="inbox"),
    path("thu-den/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("thu-den/<int:pk>/bo-qua/", views.dismiss, name="dismiss"),
    path("thu-den/<int:pk>/eml/", views.eml, name="eml"),
    path("hop-thu/", views.mailboxes, name="mailboxes"),
    path("hop-thu/<int:pk>/", views.mailbox_edit, name="mailbox-edit"),
    path("quy-tac/", views.rules, name="rules"),
    path("quy-tac/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("quy-tac/<int:pk>/xoa/", views.rule_delete, name="rule-delete"),
    path("ban-tin-ngay/", views.digest_settings, name="digest"),
    path("ban-tin-ngay/huy/<str:token>/", views.digest_opt_out, name="digest-opt-out"),
    path("du-thao/<int:pk>/nguoi-nhan/", views.draft_recipients, name="draft-recipients"),
    path("nguoi-nhan/<int:pk>/xoa/", views.remove_recipient, name="remove-recipient"),
    path("danh-ba/", views.directory_page, name="directory"),
    path("danh-ba/vcard/", views.directory_vcard, name="directory-vcard"),
    path("danh-ba/ldif/", views.directory_ldif, name="directory-ldif"),
]
