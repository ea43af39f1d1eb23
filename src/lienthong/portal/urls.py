"""The portal's own views, under /cong/ before Wagtail's pages (their prefixes are not page
slugs: `vb/`, `rss/`, `atom/`, `phan-anh/`, `xu-ly-phan-anh/`, `y-kien/`, `tim-kiem/`,
`du-lieu-mo/`, `ngon-ngu/` are reserved)."""

from django.urls import URLPattern, URLResolver, path

from . import views
from .feeds import DocumentsAtomFeed, DocumentsFeed, NewsAtomFeed, NewsFeed

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("vb/<int:pk>/", views.document, name="document"),
    path("vb/<int:pk>/tep/", views.document_file, name="document-file"),
    path("vb/<int:pk>/dang/", views.publish, name="publish"),
    path("vb/<int:pk>/go/", views.withdraw, name="withdraw"),
    path("rss/tin-tuc/", NewsFeed(), name="news-feed"),
    path("rss/van-ban/", DocumentsFeed(), name="documents-feed"),
    path("atom/tin-tuc/", NewsAtomFeed(), name="news-atom"),
    path("atom/van-ban/", DocumentsAtomFeed(), name="documents-atom"),
    path("phan-anh/", views.feedback_list, name="feedback-list"),
    path("phan-anh/gui/", views.feedback_new, name="feedback-new"),
    path("phan-anh/tra-cuu/", views.feedback_track, name="feedback-track"),
    path("phan-anh/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("xu-ly-phan-anh/", views.feedback_inbox, name="feedback-inbox"),
    path("xu-ly-phan-anh/<int:pk>/", views.feedback_answer, name="feedback-answer"),
    path("y-kien/<int:page_id>/", views.comment, name="comment"),
    path("tim-kiem/", views.search, name="search"),
    path("du-lieu-mo/", views.open_data, name="open-data"),
    path("du-lieu-mo/<slug:slug>/", views.dataset, name="dataset"),
    path("du-lieu-mo/<slug:slug>.<str:fmt>", views.dataset_file, name="dataset-file"),
    path("ngon-ngu/<str:code>/", views.language, name="language"),
]
