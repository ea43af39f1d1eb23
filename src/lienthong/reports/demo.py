"""The demo's periodic reporting (idempotent):

- the ICT application report of the seed article (“Cà Mau: Tăng cường ứng dụng CNTT vào công
  tác quản lý nhà nước”, 14/07/2012): a yearly form the Department of Information and
  Communications (Sở TT&TT) sends to the Provincial People's Committee, its 2012 report filled
  with the article's figures, submitted and accepted, so the article's numbers are read back
  from the platform;
- a quarterly report on documents and dossiers opened for the eight districts for the second
  quarter of 2012: three submitted on time, one returned with a reason, four late;
- a six-monthly administrative-reform report submitted as a signed document: TP Cà Mau's report
  for the first half of 2012 went through drafting (the office's review, the chairman's
  approval, the clerk's number and seal) and its document was delivered to the Provincial
  People's Committee, so it counts; Trần Văn Thời's is still being filled in."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lienthong.accounts import services as account_services
from lienthong.accounts.constants import AgencyKind, Role
from lienthong.accounts.models import Agency, User
from lienthong.drafting import services as drafting
from lienthong.exchange import services as exchange
from lienthong.exchange.models import Delivery
from lienthong.meetings.demo import _demo_timestamps as demo_timestamps
from lienthong.signatures import demo as signatures_demo

from . import services
from .constants import Aggregation, IndicatorType, Periodicity, ReportStatus
from .models import AgencyReport, ReportForm
from .services import IndicatorSpec

logger = logging.getLogger(__name__)

PROVINCE, STTTT, TP_CA_MAU = "000.00.00.H12", "000.00.11.H12", "000.00.30.H12"
TRAN_VAN_THOI = "000.00.31.H12"
ICT_FORM, QUARTERLY_FORM = "ung-dung-cntt", "van-ban-ho-so-quy"
REFORM_FORM = "cai-cach-hanh-chinh-6-thang"
ADOPTION = "Chưa áp dụng\nĐang triển khai\nĐã áp dụng"
USE = "Chưa sử dụng\nMột số cán bộ\nHầu hết cán bộ\nTất cả cán bộ"
INT, DEC, PCT, TXT, CHO = (
    IndicatorType.INTEGER,
    IndicatorType.DECIMAL,
    IndicatorType.PERCENTAGE,
    IndicatorType.TEXT,
    IndicatorType.CHOICE,
)

ICT_INDICATORS = [
    IndicatorSpec(
        "DOC_LINKED",
        "Tỷ lệ sở, ngành và UBND cấp huyện có phần mềm hồ sơ công việc liên thông",
        PCT,
        "%",
        required=True,
        aggregation=Aggregation.AVERAGE,
    ),
    IndicatorSpec(
        "LAN_CPNET",
        "Tỷ lệ cơ quan cấp tỉnh, huyện có mạng LAN kết nối mạng chuyên dùng của Chính phủ",
        PCT,
        "%",
        aggregation=Aggregation.AVERAGE,
    ),
    IndicatorSpec(
        "EMAIL_USE",
        "Mức độ sử dụng thư điện tử của CB-CC-VC chuyên môn",
        CHO,
        choices=USE,
        aggregation=Aggregation.NONE,
    ),
    IndicatorSpec(
        "DVC_L1_SHARE",
        "Tỷ lệ thủ tục hành chính có dịch vụ công trực tuyến mức độ 1",
        PCT,
        "%",
        aggregation=Aggregation.AVERAGE,
    ),
    IndicatorSpec(
        "DVC_L2",
        "Số bộ thủ tục hành chính cung cấp dịch vụ công trực tuyến mức độ 2",
        INT,
        "bộ TTHC",
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "DVC_L3", "Số dịch vụ công trực tuyến mức độ 3", INT, "dịch vụ", min_value=Decimal(0)
    ),
    IndicatorSpec(
        "DVC_L4", "Số dịch vụ công trực tuyến mức độ 4", INT, "dịch vụ", min_value=Decimal(0)
    ),
    IndicatorSpec(
        "ONESTOP",
        "Áp dụng cơ chế một cửa, một cửa liên thông",
        CHO,
        choices=ADOPTION,
        aggregation=Aggregation.NONE,
    ),
    IndicatorSpec(
        "TRAIN_CLASSES",
        "Số lớp tập huấn CNTT đã tổ chức",
        INT,
        "lớp",
        required=True,
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "TRAINEES",
        "Số CB-CC-VC được tập huấn CNTT",
        INT,
        "người",
        required=True,
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "TRAINEES_PER_CLASS",
        "Bình quân học viên mỗi lớp",
        DEC,
        "người/lớp",
        formula="ROUND(TRAINEES / TRAIN_CLASSES, 1)",
        aggregation=Aggregation.FORMULA,
    ),
    IndicatorSpec(
        "ISO9001",
        "Áp dụng hệ thống quản lý chất lượng ISO 9001:2008",
        CHO,
        choices=ADOPTION,
        aggregation=Aggregation.NONE,
    ),
    IndicatorSpec(
        "DIGITAL_SIGNATURE",
        "Ứng dụng chữ ký số trong giao dịch trên mạng",
        CHO,
        choices=ADOPTION,
        aggregation=Aggregation.NONE,
    ),
    IndicatorSpec(
        "VIDEO_CONF",
        "Hội nghị truyền hình trực tuyến với UBND các huyện, thành phố",
        TXT,
        aggregation=Aggregation.NONE,
    ),
    IndicatorSpec(
        "INTERNET_SUBS",
        "Số thuê bao internet",
        INT,
        "thuê bao",
        required=True,
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "BROADBAND_SUBS",
        "Số thuê bao internet tốc độ cao (xDSL, FTTH)",
        INT,
        "thuê bao",
        min_value=Decimal(0),
    ),
    IndicatorSpec("FTTH_SUBS", "Trong đó: số thuê bao FTTH", INT, "thuê bao", min_value=Decimal(0)),
    IndicatorSpec(
        "FTTH_SHARE",
        "Tỷ lệ thuê bao FTTH trên tổng thuê bao internet",
        PCT,
        "%",
        formula="ROUND(FTTH_SUBS / INTERNET_SUBS * 100, 2)",
        aggregation=Aggregation.FORMULA,
    ),
    IndicatorSpec(
        "HOUSEHOLD_SHARE", "Tỷ lệ hộ dân có internet", PCT, "%", aggregation=Aggregation.AVERAGE
    ),
]
# Cà Mau's figures in the article (2011 and the first half of 2012). “Hơn 27.000 thuê bao
# internet tốc độ cao”: the article gives no exact count, so the demo enters 27,000 and says so.
ICT_2012 = {
    "DOC_LINKED": "100",
    "LAN_CPNET": "100",
    "EMAIL_USE": "Hầu hết cán bộ",
    "DVC_L1_SHARE": "100",
    "DVC_L2": "18",
    "ONESTOP": "Đã áp dụng",
    "TRAIN_CLASSES": "18",
    "TRAINEES": "347",
    "ISO9001": "Đã áp dụng",
    "DIGITAL_SIGNATURE": "Đang triển khai",
    "VIDEO_CONF": "Nhiều hội nghị trong năm 2011 và 6 tháng đầu năm 2012",
    "INTERNET_SUBS": "27605",
    "BROADBAND_SUBS": "27000",
    "FTTH_SUBS": "598",
    "HOUSEHOLD_SHARE": "9,62",
}
ICT_NOTES = {
    "BROADBAND_SUBS": "Bài báo ghi “hơn 27.000 thuê bao internet tốc độ cao”.",
    "TRAIN_CLASSES": "Năm 2011.",
    "TRAINEES": "Năm 2011, từ tỉnh đến cơ sở.",
}

QUARTERLY_INDICATORS = [
    IndicatorSpec(
        "DOCS_IN",
        "Văn bản đến đã vào sổ",
        INT,
        "văn bản",
        source="documents_received",
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "DOCS_OUT",
        "Văn bản đi đã ban hành",
        INT,
        "văn bản",
        source="documents_issued",
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "DOSSIERS",
        "Hồ sơ TTHC đã tiếp nhận",
        INT,
        "hồ sơ",
        required=True,
        source="dossiers_received",
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "ON_TIME",
        "Hồ sơ giải quyết đúng hạn",
        INT,
        "hồ sơ",
        required=True,
        source="dossiers_on_time",
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "LATE",
        "Hồ sơ giải quyết quá hạn",
        INT,
        "hồ sơ",
        required=True,
        source="dossiers_late",
        min_value=Decimal(0),
    ),
    IndicatorSpec(
        "ON_TIME_RATE",
        "Tỷ lệ giải quyết đúng hạn",
        PCT,
        "%",
        formula="ROUND(ON_TIME / (ON_TIME + LATE) * 100, 2)",
        aggregation=Aggregation.FORMULA,
    ),
    IndicatorSpec("REMARKS", "Khó khăn, vướng mắc, kiến nghị", TXT, aggregation=Aggregation.NONE),
]
# (district code, dossiers, on time, late) of the three that submitted on time.
SUBMITTED = [
    ("000.00.31.H12", 412, 398, 14),
    ("000.00.32.H12", 305, 290, 15),
    ("000.00.33.H12", 268, 259, 9),
]
RETURNED = (
    "000.00.34.H12",
    190,
    150,
    60,
    "Số hồ sơ đúng hạn và quá hạn cộng lại lớn hơn số hồ sơ đã giải quyết; đề nghị rà soát lại.",
)


REFORM_INDICATORS = [
    IndicatorSpec("PROCEDURES", "Thủ tục hành chính đang áp dụng", INT, "thủ tục", required=True),
    IndicatorSpec("SIMPLIFIED", "Thủ tục được đơn giản hóa", INT, "thủ tục", required=True),
    IndicatorSpec(
        "SIMPLIFIED_SHARE",
        "Tỷ lệ thủ tục được đơn giản hóa",
        PCT,
        "%",
        formula="ROUND(SIMPLIFIED / PROCEDURES * 100, 2)",
        aggregation=Aggregation.FORMULA,
    ),
    IndicatorSpec("REMARKS", "Khó khăn, vướng mắc, kiến nghị", TXT, aggregation=Aggregation.NONE),
]
REFORM_VALUES = {
    "PROCEDURES": 248,
    "SIMPLIFIED": 31,
    "REMARKS": "Đề nghị tỉnh hỗ trợ kinh phí số hóa hồ sơ tại bộ phận một cửa.",
}


def _aware(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def _form(code: str, **fields: object) -> tuple[ReportForm, bool]:
    form, created = ReportForm.objects.get_or_create(code=code, defaults=fields)
    return form, created


@transaction.atomic
def load_demo_reports() -> list[str]:
    """Create the demo's forms and reports once; a second run changes nothing."""
    try:
        province = Agency.objects.get(code=PROVINCE)
        stttt = Agency.objects.get(code=STTTT)
    except Agency.DoesNotExist:
        return []
    loaded: list[str] = []
    ict, created = _form(
        ICT_FORM,
        name="Báo cáo tình hình ứng dụng công nghệ thông tin trong cơ quan nhà nước",
        legal_basis="Nghị định 09/2019/NĐ-CP; Nghị định 64/2007/NĐ-CP",
        periodicity=Periodicity.YEARLY,
        deadline_days=10,
        aggregator=province,
    )
    if created:
        ict.reporting_agencies.set([stttt])
        services.save_form_version(
            form=ict, indicators=ICT_INDICATORS, actor=None, note="Mẫu ban đầu"
        )
        period = services.open_period(form=ict, actor=None, year=2012)
        report = AgencyReport.objects.get(period=period, agency=stttt)
        services.save_values(report=report, actor=None, values=ICT_2012, notes=ICT_NOTES)
        services.submit_report(report=report, actor=None)
        services.accept_report(report=report, actor=None)
        AgencyReport.objects.filter(pk=report.pk).update(
            submitted_at=_aware(2012, 12, 20), decided_at=_aware(2012, 12, 21)
        )
        loaded.append(ict.name)

    districts = list(
        Agency.objects.filter(parent=province, kind=AgencyKind.DISTRICT_COMMITTEE)
        .exclude(code=TP_CA_MAU)
        .order_by("code")[:8]
    )
    quarterly, created = _form(
        QUARTERLY_FORM,
        name="Báo cáo tình hình xử lý văn bản và giải quyết thủ tục hành chính",
        legal_basis="Nghị định 09/2019/NĐ-CP; Nghị định 61/2018/NĐ-CP",
        periodicity=Periodicity.QUARTERLY,
        deadline_days=5,
        aggregator=province,
    )
    if created:
        quarterly.reporting_agencies.set([*districts, Agency.objects.get(code=TP_CA_MAU)])
        services.save_form_version(
            form=quarterly, indicators=QUARTERLY_INDICATORS, actor=None, note="Mẫu ban đầu"
        )
        # Opened for the eight districts (Cà Mau city reports from the next quarter on).
        quarterly.reporting_agencies.set(districts)
        period = services.open_period(form=quarterly, actor=None, year=2012, number=2)
        reports = {r.agency.code: r for r in period.reports.select_related("agency")}
        note = {"DOSSIERS": "Số liệu tổng hợp từ sổ theo dõi của bộ phận một cửa."}
        for code, dossiers, on_time, late in SUBMITTED:
            report = reports[code]
            services.save_values(
                report=report,
                actor=None,
                values={"DOSSIERS": dossiers, "ON_TIME": on_time, "LATE": late},
                notes={**note, "ON_TIME": note["DOSSIERS"], "LATE": note["DOSSIERS"]},
            )
            services.submit_report(report=report, actor=None)
            AgencyReport.objects.filter(pk=report.pk).update(submitted_at=_aware(2012, 6, 18))
        code, dossiers, on_time, late, reason = RETURNED
        report = reports[code]
        services.save_values(
            report=report,
            actor=None,
            values={"DOSSIERS": dossiers, "ON_TIME": on_time, "LATE": late},
            notes={**note, "ON_TIME": note["DOSSIERS"], "LATE": note["DOSSIERS"]},
        )
        services.submit_report(report=report, actor=None)
        services.return_report(report=report, actor=None, reason=reason)
        AgencyReport.objects.filter(pk=report.pk).update(
            submitted_at=_aware(2012, 6, 19), decided_at=_aware(2012, 6, 20)
        )
        assert period.reports.filter(status=ReportStatus.DRAFT).count() == 4
        loaded.append(quarterly.name)

    reform = _load_reform_report(province)
    if reform:
        loaded.append(reform)
    return loaded


def _load_reform_report(province: Agency) -> str:
    """The six-monthly reform report, submitted as a signed document: TP Cà Mau's leader
    approves it, its document goes through the city's drafting flow (the unit leader reviews,
    the chairman signs it with the demo PKI, the clerk numbers and seals it on issue; without
    the demo PKI, as in the tests, the city also issues on paper) and is delivered to the
    province at once (the delivery job, run here rather than by the worker, then finds it
    done). The report counts from that delivery. Refused anywhere in drafting, the report is
    left awaiting its signed document."""
    city = Agency.objects.filter(code=TP_CA_MAU).first()
    users = {
        role: User.objects.active().filter(agency=city).with_role(role).order_by("pk").first()
        for role in (Role.AGENCY_LEADER, Role.REPORT_OFFICER, Role.CLERK)
    }
    if city is None or None in users.values():
        return ""
    form, created = _form(
        REFORM_FORM,
        name="Báo cáo kết quả thực hiện cải cách hành chính",
        legal_basis="Nghị định 09/2019/NĐ-CP; Nghị quyết 30c/NQ-CP",
        periodicity=Periodicity.SIX_MONTHLY,
        deadline_days=5,
        aggregator=province,
        submitted_as_document=True,
    )
    if not created:
        return ""
    form.reporting_agencies.set(Agency.objects.filter(code__in=[TP_CA_MAU, TRAN_VAN_THOI]))
    services.save_form_version(form=form, indicators=REFORM_INDICATORS, actor=None, note="Mẫu")
    period = services.open_period(form=form, actor=None, year=2012, number=1)
    report = AgencyReport.objects.get(period=period, agency=city)
    leader = users[Role.AGENCY_LEADER]
    services.save_values(report=report, actor=users[Role.REPORT_OFFICER], values=REFORM_VALUES)
    pin = None
    if settings.LIENTHONG_DEMO:
        # The demo PKI: the chairman signs the report's PDF and the clerk seals it on issue.
        signatures_demo.load_demo_pki(agencies=[city])
        pin = signatures_demo.DEMO_SIGNING_PIN
    elif not city.issues_on_paper:
        # No certificates (the tests): the city also issues on paper, as its policy may say.
        city = account_services.set_issuing_policy(actor=None, agency=city, issues_on_paper=True)
    try:
        report = services.submit_report(report=report, actor=leader)
    except (ValidationError, PermissionDenied) as refused:
        logger.warning("Demo reform report not submitted: %s", refused)
        return form.name
    draft = report.document_draft
    assert draft is not None
    reviewer = (
        User.objects.active()
        .filter(unit=draft.drafting_unit)
        .with_role(Role.UNIT_LEADER)
        .order_by("pk")
        .first()
    )
    try:
        with transaction.atomic(), demo_timestamps():
            assert reviewer is not None, "the drafting unit has no leader"
            drafting.review(actor=reviewer, draft=draft, decision="approve")
            drafting.send_to_signer(actor=reviewer, draft=draft)
            drafting.sign_off(actor=leader, draft=draft, decision="approve", signing_secret=pin)
            drafting.issue_draft(actor=users[Role.CLERK], draft=draft, signing_secret=pin)
    except (AssertionError, ValidationError, PermissionDenied) as refused:
        # Left awaiting its signed document (a gap), which the demo can show as well.
        logger.warning("Demo reform report left awaiting its document: %s", refused)
        return form.name
    draft.refresh_from_db()
    for delivery in Delivery.objects.filter(outgoing=draft.document, recipient=province):
        exchange.make_delivery(delivery_id=delivery.pk)
    AgencyReport.objects.filter(pk=report.pk).update(submitted_at=_aware(2012, 6, 15))
    return form.name
