from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.documents import urls as wagtaildocs_urls

from lienthong.core import views as core_views
from lienthong.site import views as site_views

admin.site.site_header = _("lienthong administration")
admin.site.site_title = _("lienthong")
admin.site.index_title = _("Organisation and platform administration")

urlpatterns = [
    path("", site_views.home, name="home"),
    path("bang-dieu-khien/", site_views.dashboard, name="dashboard"),
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lienthong.accounts.urls")),
    path("", include("lienthong.documents.urls")),
    path("xu-ly/", include("lienthong.workflows.urls")),
    path("du-thao/", include("lienthong.drafting.urls")),
    path("chu-ky-so/", include("lienthong.signatures.urls")),
    path("ho-so/", include("lienthong.records.urls")),
    path("lien-thong/", include("lienthong.exchange.urls")),
    path("thong-bao/", include("lienthong.notifications.urls")),
    path("thanh-toan/", include("lienthong.payments.urls")),
    path("bao-cao/", include("lienthong.reports.urls")),
    path("thu-tuc/", include("lienthong.catalogue.urls")),
    path("mot-cua/", include("lienthong.onestop.urls")),
    path("cong-dan/", include("lienthong.onestop.citizen_urls")),
    path("lich-hop/", include("lienthong.meetings.urls")),
    path("nhiem-vu/", include("lienthong.tasks.urls")),
    path("thu-dien-tu/", include("lienthong.mail.urls")),
    path("dao-tao/", include("lienthong.training.urls")),
    path("iso/", include("lienthong.quality.urls")),
    path("dvcqg/", include("lienthong.dvcqg.urls")),
    path("cong/", include("lienthong.portal.urls")),
    path("cong/tai-lieu/", include(wagtaildocs_urls)),
    path("sitemap.xml", wagtail_sitemap, name="sitemap"),
    path("cong/", include("lienthong.portal.page_urls")),  # its pages (Wagtail), after its views
    path("quan-tri/cong/", include("lienthong.portal.admin_urls")),  # the portal's editors
    path("quan-tri/", admin.site.urls),
    path("api/v1/", include("lienthong.api.urls", namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(api_version="v1"), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its start-up script as a file: no inline script, CSP holds.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema",
            template_name="api/swagger_ui.html",
            metadata_class=None,  # OPTIONS: 405, not an HTML render of the metadata (500)
        ),
        name="api-docs",
    ),
]

handler404 = "lienthong.core.views.page_not_found"
handler400 = "lienthong.core.views.bad_request"
