"""The portal's pages as the public and the editors see them: the demo's sites, the header drawn
from the agency, the organisation chart from the org tree, the front door, the CSP split between
the public pages (strict) and the Wagtail admin, and the editors' groups kept in step with roles."""

from __future__ import annotations

from django.test import Client
from wagtail.models import Page, Site

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import Role
from lienthong.accounts.models import Agency, User
from lienthong.portal.demo import load_demo_portal
from lienthong.portal.models import AgencyHomePage, NewsPage, PortalHomePage, StandardPage


def path(page: Page) -> str:
    """The page's address on the provincial portal's host (the demo's localhost), where every
    agency's pages are reachable too; `page.url` would give the agency's own hostname."""
    root = Site.objects.get(is_default_site=True).root_page
    return "/cong/" + page.url_path[len(root.url_path) :]


def test_demo_portal_has_the_province_and_two_agency_sites(portal: PortalHomePage) -> None:
    sites = {site.hostname: site.root_page.specific for site in Site.objects.all()}
    assert sites["localhost"] == portal
    agency_homes = list(AgencyHomePage.objects.child_of(portal))
    assert {h.agency.code for h in agency_homes} == {"000.00.11.H12", "000.00.30.H12"}
    assert "so-thong-tin-va-truyen-thong.camau.gov.vn" in sites
    # idempotent
    before = Page.objects.count()
    load_demo_portal()
    assert Page.objects.count() == before


def test_home_news_and_org_chart_render(portal: PortalHomePage) -> None:
    client = Client()
    home = client.get("/")
    body = home.content.decode()
    assert home.status_code == 200
    assert "Cổng thông tin điện tử tỉnh Cà Mau" in body
    assert "Tăng cường ứng dụng CNTT" in body  # featured news on the front door
    assert 'property="og:title"' in body
    csp = home["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    article = NewsPage.objects.get(slug="tang-cuong-ung-dung-cntt-vao-quan-ly-nha-nuoc")
    page = client.get(path(article))
    assert page.status_code == 200
    assert "27.605 thuê bao internet" in page.content.decode()
    assert "/media/images/" in page.content.decode()  # a rendition of its image
    dic = AgencyHomePage.objects.get(agency__code="000.00.11.H12")
    intro = StandardPage.objects.child_of(dic).get(slug="gioi-thieu")
    text = client.get(path(intro)).content.decode()
    # The chart comes from the org tree: the director (a leadership position) and the units.
    assert "Võ Quốc Việt" in text
    assert "Sở Thông tin và Truyền thông" in client.get(path(dic)).content.decode()
    feed = client.get("/cong/rss/tin-tuc/")
    assert feed["Content-Type"].startswith("application/rss+xml")
    assert "Tăng cường ứng dụng CNTT" in feed.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/cong/tin-tuc/tang-cuong-ung-dung-cntt-vao-quan-ly-nha-nuoc/" in sitemap
    # The header carries the agency's contact as the platform knows it, at once (the
    # anonymous page cache is cleared when the org tree changes).
    agency = Agency.objects.get(pk=dic.agency_id)
    agency.phone = "0780 3 123 456"
    agency.save(update_fields=["phone"])
    assert "0780 3 123 456" in client.get(path(dic)).content.decode()


def test_editors_edit_only_their_agency_site(portal: PortalHomePage) -> None:
    dic = AgencyHomePage.objects.get(agency__code="000.00.11.H12")
    city = AgencyHomePage.objects.get(agency__code="000.00.30.H12")
    editor = User.objects.get(username="bientap.stttt")
    client = Client()
    client.force_login(editor)
    admin = client.get("/quan-tri/cong/")
    assert admin.status_code == 200
    assert "unsafe-inline" in admin["Content-Security-Policy"]  # the admin's exemption only
    assert client.get(f"/quan-tri/cong/pages/{dic.pk}/edit/").status_code == 200
    assert client.get(f"/quan-tri/cong/pages/{city.pk}/edit/").status_code == 302
    assert client.get(f"/quan-tri/cong/pages/{portal.pk}/edit/").status_code == 302
    # A specialist of the same agency: no admin at all.
    other = User.objects.get(username="chuyenvien.stttt")
    client.force_login(other)
    assert client.get("/quan-tri/cong/").status_code == 302
    # Granting the role through the platform's service opens the site; taking it closes it.
    account_services.set_roles(actor=None, user=other, roles=[Role.SPECIALIST, Role.PORTAL_EDITOR])
    assert client.get(f"/quan-tri/cong/pages/{dic.pk}/edit/").status_code == 200
    account_services.set_roles(actor=None, user=other, roles=[Role.SPECIALIST])
    assert client.get(f"/quan-tri/cong/pages/{dic.pk}/edit/").status_code == 302
