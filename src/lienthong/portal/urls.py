"""The portal's own views, under /cong/ before Wagtail's pages (their prefixes are not page
slugs: `vb/` and `rss/` are reserved)."""

from django.urls import URLPattern, URLResolver, path

from . import views
from .feeds import DocumentsFeed, NewsFeed

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("vb/<int:pk>/", views.document, name="document"),
    path("vb/<int:pk>/tep/", views.document_file, name="document-file"),
    path("vb/<int:pk>/dang/", views.publish, name="publish"),
    path("vb/<int:pk>/go/", views.withdraw, name="withdraw"),
    path("rss/tin-tuc/", NewsFeed(), name="news-feed"),
    path("rss/van-ban/", DocumentsFeed(), name="documents-feed"),
]
