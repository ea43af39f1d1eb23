from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "meetings"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("lich-tuan/", views.schedules, name="schedules"),
    path("lich-tuan/<int:pk>/", views.schedule_detail, name="schedule"),
    path("lich-tuan/<int:pk>/<slug:action>/", views.schedule_action, name="schedule-action"),
    path("lich-tuan/muc/<int:pk>/sua/", views.edit_entry, name="entry-edit"),
    path("lich-tuan/muc/<int:pk>/huy/", views.cancel_entry, name="entry-cancel"),
    path("lich-tuan/co-quan/<int:agency_pk>.ics", views.agency_feed, name="agency-feed"),
    path("lich-cua-toi/", views.my_calendar, name="my-calendar"),
    path("lich/<str:token>.ics", views.personal_feed, name="feed"),
    path("phong-hop/", views.rooms, name="rooms"),
    path("dat-lich/", views.book, name="book"),
    path("video/bbb/su-kien/", views.bbb_hook, name="bbb-hook"),
    path("video/thiet-lap/", views.video_setup, name="video-setup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/moi/", views.invite, name="invite"),
    path("<int:pk>/tra-loi/<int:participant_pk>/", views.reply, name="reply"),
    path("<int:pk>/chuong-trinh/", views.add_agenda, name="agenda-add"),
    path("<int:pk>/tai-lieu/<int:item_pk>/", views.agenda_file, name="agenda-file"),
    path("<int:pk>/diem-danh/", views.attendance, name="attendance"),
    path("<int:pk>/van-ban/", views.draft_document, name="draft-document"),
    path("<int:pk>/van-ban/<int:link_pk>/pdf/", views.document_pdf, name="document-pdf"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
    path("<int:pk>/vao-lich-tuan/", views.put_in_schedule, name="put-in-schedule"),
    path("<int:pk>/vao-phong/", views.join, name="join"),
    path("<int:pk>/ket-thuc-phong/", views.end_video, name="end-video"),
]
