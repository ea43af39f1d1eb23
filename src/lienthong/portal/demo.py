"""The demo portal: the Cà Mau provincial e-portal (2012) and the sites of the Sở Thông tin và
Truyền thông and of the UBND thành phố Cà Mau, with news of 2012 (the IT-application article the
province published on 14/07/2012), announcements, a page per information item of Decree 42/2022
and English pages. Safe to run again: a page that exists (by its slug under its parent) is kept."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images.models import Image
from wagtail.models import Collection, Locale, Page, Site

from lienthong.accounts.models import Agency, User

from .constants import InformationItem as Item
from .models import (
    AgencyHomePage,
    AnnouncementPage,
    ConsultationPage,
    DirectionIndexPage,
    Feedback,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    PortalHomePage,
    SchedulePage,
    SiteHome,
    StandardPage,
)
from .services import (
    answer_feedback,
    comment_on_draft,
    ensure_agency_site,
    submit_feedback,
    sync_editor_group,
)

PROVINCE = "000.00.00.H12"
DIC = "000.00.11.H12"  # Sở Thông tin và Truyền thông
CITY = "000.00.30.H12"  # UBND thành phố Cà Mau
ARTICLE = Path(__file__).parent / "demo_content" / "ca-mau-2012-article.txt"

CATEGORIES = [
    ("Chỉ đạo - Điều hành", "chi-dao-dieu-hanh"),
    ("Kinh tế - Xã hội", "kinh-te-xa-hoi"),
    ("Công nghệ thông tin", "cong-nghe-thong-tin"),
    ("Cải cách hành chính", "cai-cach-hanh-chinh"),
]


@dataclass(frozen=True)
class News:
    slug: str
    title: str
    date: dt.date
    category: str
    summary: str
    body: str
    featured: bool = False
    source: str = ""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line.strip()}</p>" for line in text.split("\n") if line.strip())


def _article() -> News:
    lines = ARTICLE.read_text(encoding="utf-8").splitlines()
    body = "\n".join(lines[3:])
    return News(
        slug="tang-cuong-ung-dung-cntt-vao-quan-ly-nha-nuoc",
        title="Cà Mau: Tăng cường ứng dụng CNTT vào công tác quản lý nhà nước",
        date=dt.date(2012, 7, 14),
        category="cong-nghe-thong-tin",
        summary=(
            "Hầu hết cán bộ, công chức, viên chức chuyên môn từ tỉnh đến cơ sở ở Cà Mau đều biết "
            "sử dụng công nghệ thông tin trong nghiệp vụ, sử dụng thư điện tử và khai thác thông "
            "tin trong xử lý công việc."
        ),
        body=_paragraphs(body),
        featured=True,
        source="Kim Oanh (14/07/2012)",
    )


PROVINCE_NEWS = [
    News(
        "ubnd-tinh-hop-phien-thuong-ky-thang-7-2012",
        "UBND tỉnh họp phiên thường kỳ tháng 7 năm 2012",
        dt.date(2012, 7, 31),
        "chi-dao-dieu-hanh",
        "UBND tỉnh Cà Mau đánh giá tình hình kinh tế - xã hội 7 tháng đầu năm 2012 và triển "
        "khai nhiệm vụ trọng tâm những tháng cuối năm.",
        "<p>Sáng 31/7/2012, UBND tỉnh Cà Mau tổ chức phiên họp thường kỳ tháng 7 năm 2012 để "
        "đánh giá tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 7 tháng đầu năm và "
        "bàn giải pháp thực hiện nhiệm vụ những tháng cuối năm.</p><p>Chủ tịch UBND tỉnh yêu cầu "
        "các sở, ngành, địa phương tập trung tháo gỡ khó khăn cho sản xuất nuôi trồng thủy sản, "
        "đẩy nhanh tiến độ giải ngân vốn đầu tư xây dựng cơ bản và đẩy mạnh cải cách hành "
        "chính.</p>",
        True,
    ),
    News(
        "trien-khai-mot-cua-lien-thong-cap-huyen",
        "Triển khai cơ chế một cửa liên thông tại UBND các huyện, thành phố",
        dt.date(2012, 6, 20),
        "cai-cach-hanh-chinh",
        "Tỉnh tiếp tục triển khai cơ chế một cửa, một cửa liên thông theo Quyết định số "
        "93/2007/QĐ-TTg tại cấp huyện.",
        "<p>Thực hiện Quyết định số 93/2007/QĐ-TTg của Thủ tướng Chính phủ, UBND tỉnh chỉ đạo "
        "UBND các huyện, thành phố Cà Mau tiếp tục hoàn thiện bộ phận tiếp nhận và trả kết quả, "
        "công khai thủ tục hành chính và ứng dụng phần mềm một cửa điện tử.</p>",
    ),
]

DIC_NEWS = [
    News(
        "18-thu-tuc-dich-vu-cong-muc-do-2",
        "Sở TT&TT đưa 18 thủ tục hành chính lên dịch vụ công trực tuyến mức độ 2",
        dt.date(2012, 5, 10),
        "cai-cach-hanh-chinh",
        "Người dân, doanh nghiệp có thể tải biểu mẫu của 18 thủ tục hành chính thuộc lĩnh vực "
        "thông tin và truyền thông trên trang thông tin điện tử của Sở.",
        "<p>Sở Thông tin và Truyền thông đã đưa lên trang thông tin điện tử của Sở 18 bộ thủ tục "
        "hành chính thực hiện dịch vụ công trực tuyến mức độ 2: báo chí, xuất bản, bưu chính, "
        "viễn thông và Internet, phát thanh, truyền hình và thông tin điện tử.</p>",
        True,
    ),
    News(
        "tap-huan-cntt-2011",
        "Năm 2011: 18 lớp tập huấn công nghệ thông tin cho 347 cán bộ, công chức",
        dt.date(2012, 1, 12),
        "cong-nghe-thong-tin",
        "Các lớp tập huấn chuyển giao phần mềm quản lý văn bản cho cấp xã, quản trị mạng và "
        "quản lý đầu tư ứng dụng CNTT.",
        "<p>Trong năm 2011, toàn tỉnh đã tổ chức 18 lớp tập huấn về công nghệ thông tin cho 347 "
        "cán bộ, công chức, viên chức từ tỉnh đến cơ sở, với các chuyên đề: chuyển giao phần "
        "mềm quản lý văn bản cho cấp xã; đào tạo quản trị mạng; bồi dưỡng nghiệp vụ “Lập và "
        "quản lý dự án” ứng dụng CNTT.</p>",
    ),
]

CITY_NEWS = [
    News(
        "tp-ca-mau-tiep-nhan-ho-so-qua-mang",
        "TP. Cà Mau tiếp nhận hồ sơ cấp giấy chứng nhận đăng ký hộ kinh doanh qua mạng",
        dt.date(2012, 8, 6),
        "cai-cach-hanh-chinh",
        "Bộ phận một cửa UBND thành phố Cà Mau nhận hồ sơ đăng ký hộ kinh doanh qua mạng và trả "
        "kết quả đúng hẹn.",
        "<p>UBND thành phố Cà Mau cho biết bộ phận tiếp nhận và trả kết quả đã tiếp nhận hồ sơ "
        "đăng ký hộ kinh doanh qua mạng, giúp người dân giảm số lần đi lại.</p>",
        True,
    ),
]

# The pages every site has (slug, title, information item, body, with the org chart)
SITE_PAGES = [
    ("gioi-thieu", "Giới thiệu", Item.INTRODUCTION, "Chức năng, nhiệm vụ, quyền hạn.", True),
    (
        "lanh-dao",
        "Lãnh đạo và liên hệ",
        Item.LEADERS,
        "Lãnh đạo cơ quan và thông tin liên hệ.",
        False,
    ),
]
PROVINCE_PAGES = [
    (
        "quy-hoach-ke-hoach",
        "Chiến lược, quy hoạch, kế hoạch",
        Item.STRATEGY,
        "Quy hoạch tổng thể phát triển kinh tế - xã hội tỉnh Cà Mau đến năm 2020; Kế hoạch ứng "
        "dụng CNTT trong hoạt động của cơ quan nhà nước giai đoạn 2011-2015.",
        False,
    ),
    (
        "du-an-mua-sam-cong",
        "Dự án đầu tư, đấu thầu, mua sắm công",
        Item.PROJECTS,
        "Danh mục dự án đầu tư năm 2012; kết quả lựa chọn nhà thầu gói thầu mua sắm thiết bị "
        "CNTT cho các sở, ngành.",
        False,
    ),
    (
        "cong-khai-ngan-sach",
        "Công khai ngân sách nhà nước",
        Item.BUDGET,
        "Công khai dự toán ngân sách tỉnh năm 2012 và quyết toán ngân sách năm 2011 theo Thông "
        "tư 03/2005/TT-BTC.",
        False,
    ),
    (
        "tuyen-dung",
        "Tuyển dụng",
        Item.RECRUITMENT,
        "Thông báo tuyển dụng công chức, viên chức năm 2012.",
        False,
    ),
    (
        "thong-ke",
        "Thông tin thống kê",
        Item.STATISTICS,
        "Toàn tỉnh có 27.605 thuê bao internet, trong đó hơn 27.000 thuê bao tốc độ cao và 598 "
        "thuê bao FTTH (tháng 7/2012).",
        False,
    ),
    (
        "lay-y-kien-du-thao",
        "Lấy ý kiến dự thảo văn bản",
        Item.CONSULTATION,
        "Dự thảo Quyết định ban hành Quy chế quản lý, vận hành Cổng thông tin điện tử tỉnh Cà "
        "Mau: ý kiến góp ý gửi về Sở Thông tin và Truyền thông trước ngày 30/9/2012. Báo cáo tiếp "
        "thu, giải trình được đăng tại đây khi hết thời hạn.",
        False,
    ),
    (
        "khoa-hoc-cong-nghe",
        "Chương trình, đề tài khoa học",
        Item.SCIENCE,
        "Danh mục đề tài khoa học và công nghệ cấp tỉnh năm 2012.",
        False,
    ),
    (
        "lien-he",
        "Liên hệ, hỏi đáp",
        Item.CONTACT,
        "Ban biên tập Cổng thông tin điện tử tỉnh Cà Mau.",
        False,
    ),
]
ENGLISH_PAGES = [
    (
        "introduction",
        "Introduction",
        Item.INTRODUCTION,
        "Cà Mau is the southernmost province of Viet Nam. This portal is run by the Provincial "
        "People's Committee; it publishes news, documents of direction and public services.",
        True,
    ),
    (
        "public-services",
        "Public services",
        Item.SERVICES,
        "Administrative procedures can be looked up, filed on-line and followed by their code "
        "from the links at the top of every page.",
        False,
    ),
    (
        "contact",
        "Contact",
        Item.CONTACT,
        "Editorial board of the Cà Mau e-portal, Provincial People's Committee.",
        False,
    ),
]


def _banner(name: str, colour: tuple[int, int, int]) -> Image:
    existing = Image.objects.filter(title=name).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", (1200, 240), colour)
    draw = ImageDraw.Draw(picture)
    for x in range(0, 1200, 40):
        draw.line([(x, 240), (x + 200, 0)], fill=tuple(min(255, c + 25) for c in colour), width=6)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    buffer.seek(0)
    image = Image(title=name)
    image.file = ImageFile(buffer, name=f"{name}.png")
    image.save()
    return image


def _child(parent: Page, page: Page) -> Page:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    parent.add_child(instance=page)
    return page


def _pages(parent: Page, rows: list[Any]) -> None:
    for slug, title, item, text, org in rows:
        _child(
            parent,
            StandardPage(
                title=title,
                slug=slug,
                information_item=item,
                body=f"<p>{text}</p>",
                show_org_chart=org,
                show_in_menus=slug in ("gioi-thieu", "introduction"),
            ),
        )


def _news(index: Page, rows: list[News], image: Image | None) -> None:
    categories = {c.slug: c for c in NewsCategory.objects.all()}
    for news in rows:
        _child(
            index,
            NewsPage(
                title=news.title,
                slug=news.slug,
                date=news.date,
                category=categories.get(news.category),
                summary=news.summary,
                body=news.body,
                featured=news.featured,
                source=news.source,
                image=image if news.featured else None,
            ),
        )


def _site_sections(home: SiteHome, news: list[News], image: Image | None) -> NewsIndexPage:
    _pages(home, SITE_PAGES)
    index = _child(home, NewsIndexPage(title="Tin tức", slug="tin-tuc", show_in_menus=True))
    _news(index, news, image)
    _child(
        home,
        DirectionIndexPage(
            title="Văn bản chỉ đạo điều hành", slug="van-ban-chi-dao", show_in_menus=True
        ),
    )
    assert isinstance(index, NewsIndexPage)
    return index


def _root() -> Page:
    """Wagtail's tree root, root collection and default locale (its migrations make them; a
    test database flushed between transactional tests has lost them)."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(
                title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)
            )
        )
    return root


@transaction.atomic
def load_demo_portal() -> PortalHomePage | None:
    province = Agency.objects.filter(code=PROVINCE).first()
    if province is None:
        return None
    for name, slug in CATEGORIES:
        NewsCategory.objects.get_or_create(slug=slug, defaults={"name": name})
    root = _root()
    home = PortalHomePage.objects.first()
    if home is None:
        home = PortalHomePage(
            title="Cổng thông tin điện tử tỉnh Cà Mau",
            slug="cong-thong-tin-dien-tu",
            agency=province,
            banner=_banner("Banner Cổng thông tin điện tử tỉnh Cà Mau", (165, 14, 14)),
            intro="<p>Cổng thông tin điện tử của Ủy ban nhân dân tỉnh Cà Mau.</p>",
            hotline="0780 3831 567",
        )
        root.add_child(instance=home)
    # The default site (localhost in the demo, the portal's domain in production) shows it;
    # Wagtail's welcome page goes.
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": home.title},
    )
    for page in root.get_children().exclude(pk=home.pk).not_type(PortalHomePage):
        if page.depth == 2 and page.slug == "home" and not page.get_children().exists():
            page.delete()
    photo = _banner("Cán bộ trẻ Sở TT-TT", (20, 80, 140))
    index = _site_sections(home, [_article(), *PROVINCE_NEWS], photo)
    _child(
        index,
        AnnouncementPage(
            title="Thông báo lịch tiếp công dân tháng 8 năm 2012",
            slug="lich-tiep-cong-dan-thang-8-2012",
            date=dt.date(2012, 7, 28),
            valid_until=dt.date(2012, 8, 31),
            body="<p>Chủ tịch UBND tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở "
            "Tiếp công dân tỉnh.</p>",
        ),
    )
    _pages(home, PROVINCE_PAGES)
    english = _child(
        home,
        StandardPage(
            title="English",
            slug="en",
            show_in_menus=True,
            body="<p>The Cà Mau provincial e-portal in English.</p>",
        ),
    )
    _pages(english, ENGLISH_PAGES)
    for code, slug, title, news, colour in (
        (
            DIC,
            "so-thong-tin-va-truyen-thong",
            "Sở Thông tin và Truyền thông",
            DIC_NEWS,
            (14, 90, 60),
        ),
        (CITY, "thanh-pho-ca-mau", "UBND thành phố Cà Mau", CITY_NEWS, (120, 60, 10)),
    ):
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            continue
        agency_home = AgencyHomePage.objects.filter(agency=agency).first()
        if agency_home is None:
            agency_home = AgencyHomePage(
                title=title,
                slug=slug,
                agency=agency,
                banner=_banner(f"Banner {title}", colour),
                intro=f"<p>Trang thông tin điện tử {title} tỉnh Cà Mau.</p>",
                show_in_menus=False,
            )
            home.add_child(instance=agency_home)
        _site_sections(agency_home, news, None)
        ensure_agency_site(
            home=agency_home, hostname=f"{slug}.{settings.LIENTHONG_PORTAL_AGENCY_DOMAIN}"
        )
    for site_home in [home, *AgencyHomePage.objects.all()]:
        sync_editor_group(site_home)
    _schedule_and_consultation(home)
    _feedback()
    assert isinstance(home, PortalHomePage)
    return home


def _schedule_and_consultation(home: PortalHomePage) -> None:
    """The leaders' work schedule (published in lienthong.meetings) and two drafts for
    consultation: the 2012 one, closed with its summary, and one open now with two comments."""
    _child(
        home,
        SchedulePage(
            title="Lịch công tác",
            slug="lich-cong-tac",
            show_in_menus=True,
            intro="<p>Lịch công tác tuần của Lãnh đạo UBND tỉnh.</p>",
        ),
    )
    section = home.get_children().filter(slug="lay-y-kien-du-thao").first()
    if section is None:
        return
    _child(
        section,
        ConsultationPage(
            title="Dự thảo Quy chế quản lý, vận hành Cổng thông tin điện tử tỉnh Cà Mau",
            slug="du-thao-quy-che-cong-thong-tin-2012",
            draft="<p>Dự thảo Quyết định ban hành Quy chế quản lý, vận hành Cổng thông tin điện "
            "tử tỉnh Cà Mau (kèm Tờ trình của Sở Thông tin và Truyền thông).</p>",
            opens_on=dt.date(2012, 9, 1),
            closes_on=dt.date(2012, 9, 30),
            summary="<p>Nhận được 12 ý kiến của 9 sở, ngành và 3 cá nhân; tiếp thu 10 ý kiến "
            "(Điều 5, Điều 9 về trách nhiệm cung cấp thông tin), giải trình 2 ý kiến.</p>",
        ),
    )
    today = timezone.localdate()
    current = _child(
        section,
        ConsultationPage(
            title="Dự thảo Quy định về phản ánh, kiến nghị trên Cổng thông tin điện tử tỉnh",
            slug="du-thao-quy-dinh-phan-anh-kien-nghi",
            draft="<p>Dự thảo Quy định tiếp nhận, xử lý phản ánh, kiến nghị của người dân, "
            "doanh nghiệp trên Cổng thông tin điện tử tỉnh Cà Mau.</p>",
            opens_on=today - dt.timedelta(days=5),
            closes_on=today + dt.timedelta(days=25),
        ),
    )
    assert isinstance(current, ConsultationPage)
    if current.is_open() and not current.comments.exists():
        comment_on_draft(
            page=current,
            name="Trần Văn Bình",
            organisation="Hội Luật gia tỉnh Cà Mau",
            email="tvbinh@example.vn",
            content="Đề nghị quy định rõ thời hạn trả lời phản ánh tính theo ngày làm việc.",
        )
        comment_on_draft(
            page=current,
            name="Nguyễn Thị Hoa",
            email="nthoa@example.vn",
            content="Nên cho phép theo dõi phản ánh bằng mã số mà không cần đăng nhập.",
        )


def _feedback() -> None:
    """Two citizens' feedback to the Sở TT&TT: one answered and public, one waiting."""
    agency = Agency.objects.filter(code=DIC).first()
    official = User.objects.filter(username="chuyenvien.stttt").first()
    if agency is None or official is None or Feedback.objects.filter(agency=agency).exists():
        return
    answered = submit_feedback(
        agency=agency,
        topic="regulation",
        subject="Thời hạn cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
        content="Tôi đề nghị Sở cho biết thời hạn giải quyết thủ tục cấp giấy phép thiết lập "
        "trang thông tin điện tử tổng hợp và có thể nộp hồ sơ trực tuyến không.",
        name="Lê Văn Tài",
        address="Phường 5, thành phố Cà Mau",
        phone="0913 456 789",
        publish_consent=True,
    )
    answer_feedback(
        actor=official,
        feedback=answered,
        answer="Thời hạn giải quyết là 10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ; ông "
        "có thể nộp hồ sơ trực tuyến mức độ 3 trên Cổng dịch vụ công của tỉnh.",
    )
    submit_feedback(
        agency=agency,
        topic="procedure",
        subject="Chưa nhận được kết quả đúng hẹn",
        content="Hồ sơ của tôi nộp tại Bộ phận một cửa của Sở đã quá ngày hẹn trả mà chưa có "
        "kết quả, đề nghị Sở kiểm tra.",
        name="Phạm Thị Thu",
        address="Xã Lý Văn Lâm, thành phố Cà Mau",
        email="ptthu@example.vn",
        publish_consent=False,
    )
