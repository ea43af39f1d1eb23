"""What the public does on the portal beyond reading (issue 18): citizens' feedback answered by
the agency and published without the sender's personal data; comments on a draft for
consultation; search without tone marks; open datasets; the leaders' published schedule; Atom
feeds; the anonymous page cache and its invalidation on publish."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.search import index

from lienthong.accounts.models import Agency, User
from lienthong.catalogue.demo import load_demo_catalogue
from lienthong.catalogue.models import Procedure
from lienthong.core.workdays import add_working_days
from lienthong.meetings.demo import load_demo_meetings
from lienthong.meetings.models import ScheduleEntry
from lienthong.portal import permissions, services
from lienthong.portal.constants import FeedbackStatus
from lienthong.portal.models import (
    ConsultationComment,
    ConsultationPage,
    Feedback,
    NewsIndexPage,
    NewsPage,
    PortalHomePage,
    PublishedDocument,
)

from .test_publication import _issued
from .test_site import path

DIC = "000.00.11.H12"
FEEDBACK = {
    "topic": "regulation",
    "subject": "Hướng dẫn đăng ký chữ ký số cho hộ kinh doanh",
    "content": "Đề nghị Sở hướng dẫn thủ tục đăng ký chữ ký số công cộng cho hộ kinh doanh.",
    "name": "Nguyễn Văn Sáu",
    "address": "Phường 7, thành phố Cà Mau",
    "phone": "0918 222 333",
    "email": "nvsau@example.vn",
    "publish_consent": "on",
}


@pytest.fixture(scope="module")
def _catalogue(_portal_world: PortalHomePage, django_db_blocker: Any) -> PortalHomePage:
    """The demo catalogue, loaded once into the module's portal world (rolled back with it)."""
    with django_db_blocker.unblock():
        load_demo_catalogue()
    return _portal_world


@pytest.fixture
def with_catalogue(_catalogue: PortalHomePage, portal: PortalHomePage) -> PortalHomePage:
    return portal


def _post_feedback(client: Client, **changes: Any) -> Any:
    agency = Agency.objects.get(code=DIC)
    return client.post("/cong/phan-anh/gui/", {"agency": agency.pk, **FEEDBACK, **changes})


def test_citizen_files_feedback_official_answers_public_reads_without_personal_data(
    portal: PortalHomePage,
) -> None:
    public = Client()
    assert "feedback-form" in public.get("/cong/phan-anh/gui/").content.decode()
    sent = _post_feedback(public)
    assert sent.status_code == 200
    feedback = Feedback.objects.get(subject=FEEDBACK["subject"])
    assert feedback.code in sent.content.decode()
    assert feedback.status == FeedbackStatus.RECEIVED
    assert feedback.due_on == add_working_days(timezone.localdate(), 10)
    # Not public before it is answered; its state is followed by code.
    assert public.get(f"/cong/phan-anh/{feedback.pk}/").status_code == 404
    track = public.get("/cong/phan-anh/tra-cuu/", {"ma": feedback.code}).content.decode()
    assert FEEDBACK["subject"] in track and FEEDBACK["name"] not in track

    # The specialist of the agency concerned has it in the inbox and answers.
    official = Client()
    official.force_login(User.objects.get(username="chuyenvien.stttt"))
    assert feedback.code in official.get("/cong/xu-ly-phan-anh/").content.decode()
    answer = (
        "Hộ kinh doanh đăng ký chữ ký số với tổ chức cung cấp dịch vụ chứng thực được cấp phép."
    )
    answered = official.post(f"/cong/xu-ly-phan-anh/{feedback.pk}/", {"answer": answer})
    assert answered.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    assert feedback.answered_by is not None and feedback.answered_by.username == "chuyenvien.stttt"

    # The public reads the question and the answer, never who sent it.
    listing = public.get("/cong/phan-anh/").content.decode()
    assert FEEDBACK["subject"] in listing
    page = public.get(f"/cong/phan-anh/{feedback.pk}/").content.decode()
    assert answer in page
    for personal in (FEEDBACK["name"], FEEDBACK["address"], FEEDBACK["phone"], FEEDBACK["email"]):
        assert personal not in page and personal not in listing
    assert answer in public.get("/cong/phan-anh/tra-cuu/", {"ma": feedback.code}).content.decode()

    # Another agency's specialist neither sees nor answers it; nobody answers twice.
    stranger = Client()
    stranger.force_login(User.objects.get(username="chuyenvien.ubndtinh"))
    assert feedback.code not in stranger.get("/cong/xu-ly-phan-anh/").content.decode()
    assert stranger.get(f"/cong/xu-ly-phan-anh/{feedback.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.answer_feedback(
            actor=User.objects.get(username="chuyenvien.ubndtinh"), feedback=feedback, answer=answer
        )
    with pytest.raises(ValidationError):
        services.answer_feedback(
            actor=User.objects.get(username="chuyenvien.stttt"), feedback=feedback, answer=answer
        )
    # The chokepoint views and services share says the same.
    mine = permissions.feedback_visible_to(User.objects.get(username="chuyenvien.stttt"))
    assert list(mine.filter(pk=feedback.pk)) == [feedback]
    for other in ("chuyenvien.ubndtinh", "vanthu.stttt"):
        theirs = permissions.feedback_visible_to(User.objects.get(username=other))
        assert not theirs.filter(pk=feedback.pk).exists()
    # A clerk (no feedback role) has no inbox; an anonymous visitor is sent to sign in.
    clerk = Client()
    clerk.force_login(User.objects.get(username="vanthu.stttt"))
    assert clerk.get("/cong/xu-ly-phan-anh/").status_code == 404
    assert public.get("/cong/xu-ly-phan-anh/").status_code == 302


def test_feedback_without_consent_stays_private(portal: PortalHomePage) -> None:
    _post_feedback(Client(), publish_consent="")
    feedback = Feedback.objects.get(subject=FEEDBACK["subject"])
    services.answer_feedback(
        actor=User.objects.get(username="truongphong.stttt"),
        feedback=feedback,
        answer="Đã trả lời trực tiếp cho công dân qua điện thoại.",
    )
    assert Client().get(f"/cong/phan-anh/{feedback.pk}/").status_code == 404


def test_feedback_is_validated_and_rate_limited(with_catalogue: PortalHomePage) -> None:
    client = Client()
    before = Feedback.objects.count()
    no_contact = _post_feedback(client, phone="", email="")
    assert no_contact.status_code == 400
    assert "số điện thoại hoặc địa chỉ thư" in no_contact.content.decode()
    assert _post_feedback(client, phone="12ab").status_code == 400
    assert _post_feedback(client, content="ngắn").status_code == 400
    elsewhere = Procedure.objects.published().exclude(agency__code=DIC).first()
    assert elsewhere is not None
    assert _post_feedback(client, procedure=elsewhere.pk).status_code == 400
    assert Feedback.objects.count() == before
    with override_settings(LIENTHONG_PORTAL_FEEDBACK_LIMIT=2):
        other = Client(REMOTE_ADDR="10.9.9.9")
        assert _post_feedback(other).status_code == 200
        assert _post_feedback(other).status_code == 200
        refused = _post_feedback(other)
        assert refused.status_code == 429
    assert Feedback.objects.count() == before + 2


def test_comments_on_a_draft_only_while_open(portal: PortalHomePage) -> None:
    open_draft = ConsultationPage.objects.get(slug="du-thao-quy-dinh-phan-anh-kien-nghi")
    closed = ConsultationPage.objects.get(slug="du-thao-quy-che-cong-thong-tin-2012")
    client = Client()
    page = client.get(path(open_draft)).content.decode()
    assert "comment-form" in page and "Hội Luật gia tỉnh Cà Mau" in page
    comment = {
        "name": "Lý Thị Mai",
        "email": "ltmai@example.vn",
        "content": "Đề nghị bổ sung kênh tiếp nhận qua tổng đài 1022.",
    }
    sent = client.post(f"/cong/y-kien/{open_draft.pk}/", comment)
    assert "comment-sent" in sent.content.decode()
    assert "tổng đài 1022" in client.get(path(open_draft)).content.decode()
    refused = client.post(f"/cong/y-kien/{closed.pk}/", comment)
    assert "comment-sent" not in refused.content.decode()
    assert not ConsultationComment.objects.filter(page=closed).exists()
    assert "tiếp thu 10 ý kiến" in client.get(path(closed)).content.decode()  # the summary
    assert client.post(f"/cong/y-kien/{open_draft.pk}/", {"name": "x"}).status_code == 200
    assert ConsultationComment.objects.filter(page=open_draft).count() == 3


def test_search_finds_vietnamese_typed_without_tone_marks(with_catalogue: PortalHomePage) -> None:
    clerk = User.objects.get(username="vanthu.stttt")
    document = _issued(clerk)
    services.publish_document(actor=clerk, document=document)
    # Wagtail updates its search index in background jobs (django-tasks, run by the worker);
    # here the same update, for the article, its news index and the document only (the queue
    # also holds the demo's mail and notification jobs, slow to run and beside the point).
    article = NewsPage.objects.get(slug="tang-cuong-ung-dung-cntt-vao-quan-ly-nha-nuoc")
    for obj in (article, article.get_parent().specific, *PublishedDocument.objects.all()):
        index.insert_or_update_object(obj)
    client = Client()
    for query in ("tang cuong ung dung cntt", "Tăng cường ứng dụng CNTT"):
        found = client.get("/cong/tim-kiem/", {"q": query}).content.decode()
        assert "Tăng cường ứng dụng CNTT vào công tác quản lý nhà nước" in found, query
    found = client.get("/cong/tim-kiem/", {"q": "ke hoach ung dung cntt nam 2013"}).content
    assert document.subject in found.decode()
    procedure = Procedure.objects.published().first()
    assert procedure is not None
    words = " ".join(procedure.search_text.split()[:3])
    assert procedure.name in client.get("/cong/tim-kiem/", {"q": words}).content.decode()
    none = client.get("/cong/tim-kiem/", {"q": "khong co trang nao nhu vay xyz"}).content.decode()
    assert "search-results" in none and "Tăng cường" not in none


def test_open_datasets_as_csv_json_xlsx(with_catalogue: PortalHomePage) -> None:
    client = Client()
    listing = client.get("/cong/du-lieu-mo/").content.decode()
    for slug in ("thu-tuc-hanh-chinh", "van-ban-chi-dao", "mot-cua-dung-han", "phan-anh-kien-nghi"):
        assert f"/cong/du-lieu-mo/{slug}.csv" in listing
    assert "CC BY 4.0" in client.get("/cong/du-lieu-mo/thu-tuc-hanh-chinh/").content.decode()
    published = Procedure.objects.published()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/cong/du-lieu-mo/thu-tuc-hanh-chinh.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:2] == ["ma_thu_tuc", "ten_thu_tuc"]
    assert {r[0] for r in rows[1:]} == set(published.values_list("national_code", flat=True))
    data = json.loads(client.get("/cong/du-lieu-mo/thu-tuc-hanh-chinh.json").content)
    assert data["license"] == "CC BY 4.0"
    assert data["fields"][0]["name"] == "ma_thu_tuc"
    assert len(data["records"]) == published.count()
    book = load_workbook(io.BytesIO(client.get("/cong/du-lieu-mo/thu-tuc-hanh-chinh.xlsx").content))
    assert book["data"].max_row == published.count() + 1
    assert book["fields"]["A2"].value == "ma_thu_tuc"
    # The feedback statistics count what arrived; a name that looks like a formula stays text.
    _post_feedback(client, subject='=HYPERLINK("x") góp ý')
    feedback = json.loads(client.get("/cong/du-lieu-mo/phan-anh-kien-nghi.json").content)
    dic = Agency.objects.get(code=DIC).name
    counted = {(r["co_quan"], r["chu_de"]): r["da_nhan"] for r in feedback["records"]}
    assert (
        counted[(dic, "regulation")]
        == Feedback.objects.filter(agency__code=DIC, topic="regulation").count()
    )
    assert client.get("/cong/du-lieu-mo/khong-co.csv").status_code == 404
    assert client.get("/cong/du-lieu-mo/thu-tuc-hanh-chinh.exe").status_code == 404


def test_schedule_page_shows_the_published_week(portal: PortalHomePage) -> None:
    load_demo_meetings()
    client = Client()
    page = client.get("/cong/lich-cong-tac/").content.decode()
    shown = ScheduleEntry.objects.published().filter(
        schedule__agency=portal.agency, starts_at__date__gte=timezone.localdate() - timedelta(7)
    )
    assert shown.exists()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for entry in ScheduleEntry.objects.filter(schedule__week_start=monday):
        assert entry.content.split("\n")[0][:30] in page
    # Next week's schedule is not published yet: its entries are not shown.
    nxt = (monday + timedelta(days=7)).isoformat()
    later = client.get("/cong/lich-cong-tac/", {"tuan": nxt}).content.decode()
    waiting = ScheduleEntry.objects.filter(schedule__week_start=monday + timedelta(days=7))
    assert waiting.exists()
    for entry in waiting:
        assert entry.content[:30] not in later


def test_atom_feeds(portal: PortalHomePage) -> None:
    client = Client()
    news = client.get("/cong/atom/tin-tuc/")
    assert news["Content-Type"].startswith("application/atom+xml")
    assert 'xmlns="http://www.w3.org/2005/Atom"' in news.content.decode()
    assert "Tăng cường ứng dụng CNTT" in news.content.decode()
    assert client.get("/cong/atom/van-ban/").status_code == 200
    assert "/cong/atom/tin-tuc/" in client.get("/").content.decode()


def test_anonymous_pages_are_cached_and_cleared_on_publish(portal: PortalHomePage) -> None:
    client = Client()
    first = client.get("/")
    assert first["X-Portal-Cache"] == "miss"
    second = client.get("/")
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == first.content
    assert client.get("/", HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304
    # An editor publishes a news article: the next anonymous visitor sees it.
    index = NewsIndexPage.objects.child_of(portal).get()
    article = NewsPage(
        title="Khai trương Cổng dữ liệu mở tỉnh Cà Mau",
        slug="khai-truong-cong-du-lieu-mo",
        summary="Cổng dữ liệu mở đi vào hoạt động.",
        body="<p>Cổng dữ liệu mở đi vào hoạt động.</p>",
        featured=True,
    )
    index.add_child(instance=article)
    article.save_revision().publish()
    after = client.get("/")
    assert after["X-Portal-Cache"] == "miss"
    assert "Khai trương Cổng dữ liệu mở" in after.content.decode()
    # Signed-in users get their own page, never the cache.
    official = Client()
    official.force_login(User.objects.get(username="bientap.stttt"))
    assert "X-Portal-Cache" not in official.get(path(index)).headers
    # A page with a form (its CSRF token) is not cached.
    draft = ConsultationPage.objects.get(slug="du-thao-quy-dinh-phan-anh-kien-nghi")
    assert "X-Portal-Cache" not in client.get(path(draft)).headers


def test_portal_pages_in_english(portal: PortalHomePage) -> None:
    """The language links set the platform's language cookie; the portal's own pages (feedback,
    open data, search, consultation, schedule) then speak English, and Vietnamese by default."""
    draft = ConsultationPage.objects.get(slug="du-thao-quy-dinh-phan-anh-kien-nghi")
    schedule = path(portal.get_children().get(slug="lich-cong-tac"))
    pages = [
        ("/cong/phan-anh/gui/", "Send feedback or a recommendation", "Gửi phản ánh, kiến nghị"),
        ("/cong/du-lieu-mo/", "Open data", "Dữ liệu mở"),
        ("/cong/tim-kiem/?q=cntt", "Search the portal", "Tìm kiếm trên cổng"),
        (path(draft), "Comments received", "Ý kiến đã nhận"),
        (schedule, "Next week", "Tuần sau"),
    ]
    english = Client()
    switched = english.get("/cong/ngon-ngu/en/", {"next": "/cong/phan-anh/gui/"})
    assert switched.status_code == 302 and switched["Location"] == "/cong/phan-anh/gui/"
    vietnamese = Client()
    for url, in_english, in_vietnamese in pages:
        page = english.get(url).content.decode()
        assert in_english in page and in_vietnamese not in page, url
        assert '<html lang="en">' in page and "Skip to content" in page, url
        page = vietnamese.get(url).content.decode()
        assert in_vietnamese in page and '<html lang="vi">' in page, url
    # The anonymous cache keeps one page per language.
    assert "Skip to content" in english.get("/").content.decode()
    assert "Skip to content" not in vietnamese.get("/").content.decode()
    assert english.get("/cong/ngon-ngu/vi/", {"next": "/"}).status_code == 302
    assert "Skip to content" not in english.get("/").content.decode()
    # The English section's pages speak English to everyone, in their header too.
    introduction = vietnamese.get("/cong/en/introduction/").content.decode()
    assert '<html lang="en">' in introduction and "Feedback and answers" in introduction
    # Only the platform's languages; never a redirect off the site.
    assert english.get("/cong/ngon-ngu/fr/").status_code == 404
    assert english.get("/cong/ngon-ngu/en/", {"next": "https://evil.example/"})["Location"] == "/"
