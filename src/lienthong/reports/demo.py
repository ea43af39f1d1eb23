"""The demo's periodic reporting (idempotent):

- the ICT application report of the seed article (“Cà Mau: Tăng cường ứng dụng CNTT vào công
  tác quản lý nhà nước”, 14/07/2012): a yearly form the Department of Information and
  Communications (Sở TT&TT) sends to the Provincial People's Committee, its 2012 report filled
  with the article's figures, submitted and accepted, so the article's numbers are read back
  from the platform;
- a quarterly report on documents and dossiers opened for the eight districts for the second
  quarter of 2012: three submitted on time, one returned with a reason, four late."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lienthong.accounts.constants import AgencyKind
from lienthong.accounts.models import Agency

from . import services
from .constants import Aggregation, IndicatorType, Periodicity, ReportStatus
from .models import AgencyReport, ReportForm
from .services import IndicatorSpec

PROVINCE, STTTT, TP_CA_MAU = "000.00.00.H12", "000.00.11.H12", "000.00.30.H12"
ICT_FORM, QUARTERLY_FORM = "ung-dung-cntt", "van-ban-ho-so-quy"
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
    return loaded
