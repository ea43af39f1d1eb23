"""The demo catalogue: the 18 procedures of Sở Thông tin và Truyền thông tỉnh Cà Mau that the
2012 article reports, and a few of other departments, a district and a commune, among them an
inter-agency one (district → department, liên thông) and a level-4 one with a fee.

Names, legal bases, times and fees follow the procedures published by the province in that era;
the national codes are placeholders (T-CMU-9xxxxx-TT), like the demo agency codes. Forms are
generated as small DOCX files at load time. Safe to run again: existing procedures are kept."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from lienthong.accounts.models import Agency, Unit

from . import services
from .blank_forms import form_docx
from .constants import CopyKind, GovernmentLevel, Level2022, StepRole
from .models import Procedure, Sector
from .services import ComponentSpec, StepSpec

DIC = "000.00.11.H12"  # Sở Thông tin và Truyền thông
JUSTICE = "000.00.05.H12"  # Sở Tư pháp
PLANNING = "000.00.04.H12"  # Sở Kế hoạch và Đầu tư
LABOUR = "000.00.12.H12"  # Sở Lao động - Thương binh và Xã hội
TRAN_VAN_THOI = "000.00.31.H12"  # UBND huyện Trần Văn Thời
CITY = "000.00.30.H12"  # UBND thành phố Cà Mau
KHANH_BINH = "000.03.31.H12"  # UBND xã Khánh Bình

SECTORS = [
    ("BAO-CHI", "Báo chí"),
    ("XUAT-BAN", "Xuất bản, in và phát hành"),
    ("BUU-CHINH", "Bưu chính"),
    ("VIEN-THONG", "Viễn thông và Internet"),
    ("PT-TH", "Phát thanh, truyền hình và thông tin điện tử"),
    ("LLTP", "Lý lịch tư pháp"),
    ("DKKD", "Thành lập và hoạt động doanh nghiệp, hộ kinh doanh"),
    ("NCC", "Người có công"),
    ("CHUNG-THUC", "Chứng thực"),
    ("XAY-DUNG", "Hoạt động xây dựng"),
]

PRESS_LAW = (
    "Luật Báo chí ngày 28/12/1989; Luật sửa đổi, bổ sung một số điều của Luật Báo chí ngày "
    "12/6/1999;\nNghị định số 51/2002/NĐ-CP ngày 26/4/2002 của Chính phủ quy định chi tiết thi "
    "hành Luật Báo chí;\nThông tư số 13/2008/TT-BTTTT ngày 31/12/2008 của Bộ Thông tin và "
    "Truyền thông hướng dẫn việc thành lập và hoạt động của cơ quan báo chí, việc xuất bản bản "
    "tin."
)
PUBLISHING_LAW = (
    "Luật Xuất bản số 30/2004/QH11; Luật sửa đổi, bổ sung một số điều của Luật Xuất bản số "
    "12/2008/QH12;\nNghị định số 111/2005/NĐ-CP ngày 26/8/2005 và Nghị định số 11/2009/NĐ-CP "
    "ngày 10/02/2009 của Chính phủ;\nThông tư số 02/2010/TT-BTTTT ngày 11/01/2010 của Bộ Thông "
    "tin và Truyền thông."
)
PRINTING_LAW = (
    "Nghị định số 105/2007/NĐ-CP ngày 21/6/2007 của Chính phủ về hoạt động in các sản phẩm "
    "không phải là xuất bản phẩm;\nThông tư số 04/2008/TT-BTTTT ngày 09/7/2008 của Bộ Thông tin "
    "và Truyền thông."
)
POSTAL_LAW = (
    "Luật Bưu chính số 49/2010/QH12 ngày 17/6/2010;\nNghị định số 47/2011/NĐ-CP ngày "
    "17/6/2011 của Chính phủ quy định chi tiết thi hành một số nội dung của Luật Bưu chính."
)
TELECOM_LAW = (
    "Luật Viễn thông số 41/2009/QH12 ngày 23/11/2009;\nNghị định số 25/2011/NĐ-CP ngày "
    "06/4/2011 của Chính phủ;\nThông tư liên tịch số 12/2007/TTLT/BXD-BTTTT ngày 11/12/2007 về "
    "cấp giấy phép xây dựng đối với công trình trạm thu, phát sóng thông tin di động."
)
BROADCAST_LAW = (
    "Quyết định số 79/2002/QĐ-TTg ngày 18/6/2002 và Quyết định số 20/2011/QĐ-TTg ngày "
    "24/3/2011 của Thủ tướng Chính phủ;\nThông tư số 19/2009/TT-BTTTT ngày 28/5/2009 của Bộ "
    "Thông tin và Truyền thông về thu tín hiệu truyền hình trực tiếp từ vệ tinh."
)
INTERNET_LAW = (
    "Nghị định số 97/2008/NĐ-CP ngày 28/8/2008 của Chính phủ về quản lý, cung cấp, sử dụng "
    "dịch vụ Internet và thông tin điện tử trên Internet;\nThông tư số 14/2010/TT-BTTTT ngày "
    "29/6/2010 của Bộ Thông tin và Truyền thông."
)

APPLICANT_LINES = [
    "Tên tổ chức (cá nhân) đề nghị",
    "Địa chỉ trụ sở",
    "Điện thoại, fax, e-mail",
    "Họ tên người đại diện theo pháp luật",
    "Nội dung đề nghị",
]


@dataclass
class DemoForm:
    code: str
    title: str
    lines: list[str] = field(default_factory=lambda: list(APPLICANT_LINES))


@dataclass
class DemoProcedure:
    code: str
    name: str
    sector: str
    agency: str
    days: str
    legal_basis: str
    result: str
    components: list[tuple[str, str, int, bool, int | None]]  # name, copy kind, qty, req, form
    forms: list[DemoForm]
    processing_unit: str | None = None
    level_2011: int = 2
    level_2022: str = Level2022.NONE
    fee_vnd: int = 0
    fee_note: str = ""
    applicant: str = "Tổ chức, cá nhân"
    government_level: str = GovernmentLevel.PROVINCE
    requirements: str = ""
    steps: list[tuple[str, str, str | None, str, str]] | None = (
        None  # name, agency, unit, role, days
    )


ORIG, COPY, CERT = CopyKind.ORIGINAL, CopyKind.COPY, CopyKind.CERTIFIED_COPY


def _dic(
    number: int,
    name: str,
    sector: str,
    days: str,
    legal: str,
    result: str,
    components: list[tuple[str, str, int, bool, int | None]],
    form_title: str,
    unit: str,
    **extra: object,
) -> DemoProcedure:
    return DemoProcedure(
        code=f"T-CMU-9{number:05d}-TT",
        name=name,
        sector=sector,
        agency=DIC,
        days=days,
        legal_basis=legal,
        result=result,
        components=components,
        forms=[DemoForm("Mẫu số 01", form_title)],
        processing_unit=unit,
        **extra,  # type: ignore[arg-type]
    )


PRESS, PUB, POST, TEL, TV = "BAO-CHI", "XUAT-BAN", "BUU-CHINH", "VIEN-THONG", "PT-TH"
UNIT_PRESS, UNIT_POST, UNIT_IT = "TTBCXB", "BCVT", "CNTT"

DIC_PROCEDURES = [
    _dic(
        101,
        "Cấp giấy phép xuất bản bản tin (trong nước)",
        PRESS,
        "15",
        PRESS_LAW,
        "Giấy phép xuất bản bản tin",
        [
            ("Đơn đề nghị cấp giấy phép xuất bản bản tin", ORIG, 1, True, 0),
            ("Quyết định thành lập hoặc giấy chứng nhận đăng ký kinh doanh", CERT, 1, True, None),
            ("Sơ yếu lý lịch của người chịu trách nhiệm xuất bản bản tin", ORIG, 1, True, None),
            ("Mẫu trình bày măng-sét và nội dung số đầu bản tin", ORIG, 2, True, None),
        ],
        "Đơn đề nghị cấp giấy phép xuất bản bản tin",
        UNIT_PRESS,
        level_2011=3,
    ),
    _dic(
        102,
        "Cho phép họp báo (trong nước)",
        PRESS,
        "1",
        PRESS_LAW,
        "Văn bản trả lời cho phép họp báo",
        [
            (
                "Văn bản thông báo họp báo (nội dung, thời gian, địa điểm, người chủ trì)",
                ORIG,
                1,
                True,
                0,
            ),
            ("Nội dung thông cáo báo chí", ORIG, 1, True, None),
        ],
        "Văn bản thông báo tổ chức họp báo",
        UNIT_PRESS,
    ),
    _dic(
        103,
        "Đăng ký hoạt động văn phòng đại diện của cơ quan báo chí tại địa phương",
        PRESS,
        "7",
        PRESS_LAW,
        "Văn bản xác nhận đăng ký hoạt động văn phòng đại diện",
        [
            ("Văn bản đăng ký hoạt động văn phòng đại diện", ORIG, 1, True, 0),
            ("Quyết định thành lập văn phòng đại diện của cơ quan chủ quản", CERT, 1, True, None),
            ("Sơ yếu lý lịch và thẻ nhà báo của trưởng văn phòng đại diện", COPY, 1, True, None),
        ],
        "Văn bản đăng ký hoạt động văn phòng đại diện",
        UNIT_PRESS,
    ),
    _dic(
        104,
        "Cấp giấy phép xuất bản tài liệu không kinh doanh",
        PUB,
        "10",
        PUBLISHING_LAW,
        "Giấy phép xuất bản tài liệu không kinh doanh",
        [
            ("Đơn đề nghị cấp giấy phép xuất bản tài liệu không kinh doanh", ORIG, 1, True, 0),
            ("Bản thảo tài liệu in trên giấy (đóng dấu của tổ chức đề nghị)", ORIG, 2, True, None),
            ("Quyết định thành lập hoặc giấy chứng nhận đăng ký kinh doanh", CERT, 1, True, None),
        ],
        "Đơn đề nghị cấp giấy phép xuất bản tài liệu không kinh doanh",
        UNIT_PRESS,
        level_2011=3,
    ),
    _dic(
        105,
        "Cấp giấy phép nhập khẩu xuất bản phẩm không nhằm mục đích kinh doanh",
        PUB,
        "5",
        PUBLISHING_LAW,
        "Giấy phép nhập khẩu xuất bản phẩm",
        [
            ("Đơn đề nghị cấp giấy phép nhập khẩu xuất bản phẩm", ORIG, 1, True, 0),
            (
                "Danh mục xuất bản phẩm nhập khẩu (tên, tác giả, nhà xuất bản, số lượng)",
                ORIG,
                3,
                True,
                None,
            ),
            ("Vận đơn hoặc giấy báo nhận hàng", COPY, 1, False, None),
        ],
        "Đơn đề nghị cấp giấy phép nhập khẩu xuất bản phẩm",
        UNIT_PRESS,
    ),
    _dic(
        106,
        "Cấp giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
        PUB,
        "10",
        PUBLISHING_LAW,
        "Giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
        [
            ("Đơn đề nghị cấp giấy phép tổ chức triển lãm, hội chợ", ORIG, 1, True, 0),
            ("Danh mục xuất bản phẩm trưng bày", ORIG, 1, True, None),
            ("Đề án tổ chức triển lãm, hội chợ (thời gian, địa điểm, quy mô)", ORIG, 1, True, None),
        ],
        "Đơn đề nghị cấp giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
        UNIT_PRESS,
    ),
    _dic(
        107,
        "Đăng ký hoạt động phát hành xuất bản phẩm",
        PUB,
        "10",
        PUBLISHING_LAW,
        "Giấy xác nhận đăng ký hoạt động phát hành xuất bản phẩm",
        [
            ("Đơn đăng ký hoạt động phát hành xuất bản phẩm", ORIG, 1, True, 0),
            ("Giấy chứng nhận đăng ký kinh doanh", CERT, 1, True, None),
            ("Văn bằng chuyên môn về phát hành của người đứng đầu cơ sở", CERT, 1, True, None),
        ],
        "Đơn đăng ký hoạt động phát hành xuất bản phẩm",
        UNIT_PRESS,
    ),
    _dic(
        108,
        "Cấp giấy phép hoạt động in xuất bản phẩm",
        PUB,
        "15",
        PUBLISHING_LAW,
        "Giấy phép hoạt động in xuất bản phẩm",
        [
            ("Đơn đề nghị cấp giấy phép hoạt động in", ORIG, 1, True, 0),
            ("Giấy chứng nhận đăng ký kinh doanh", CERT, 1, True, None),
            ("Sơ yếu lý lịch và văn bằng của người đứng đầu cơ sở in", CERT, 1, True, None),
            ("Giấy tờ về mặt bằng sản xuất và danh mục thiết bị in", COPY, 1, True, None),
        ],
        "Đơn đề nghị cấp giấy phép hoạt động in",
        UNIT_PRESS,
        level_2011=3,
    ),
    _dic(
        109,
        "Cấp giấy phép hoạt động in sản phẩm không phải là xuất bản phẩm",
        PUB,
        "15",
        PRINTING_LAW,
        "Giấy phép hoạt động in",
        [
            ("Đơn đề nghị cấp giấy phép hoạt động in", ORIG, 1, True, 0),
            ("Giấy chứng nhận đăng ký kinh doanh", CERT, 1, True, None),
            ("Giấy tờ chứng minh mặt bằng sản xuất hợp pháp", COPY, 1, True, None),
            ("Danh mục thiết bị in", ORIG, 1, True, None),
        ],
        "Đơn đề nghị cấp giấy phép hoạt động in",
        UNIT_PRESS,
    ),
    _dic(
        110,
        "Cấp lại giấy phép hoạt động in",
        PUB,
        "7",
        PRINTING_LAW,
        "Giấy phép hoạt động in (cấp lại)",
        [
            ("Đơn đề nghị cấp lại giấy phép hoạt động in, nêu rõ lý do", ORIG, 1, True, 0),
            ("Giấy phép hoạt động in đã được cấp (trường hợp bị hư hỏng)", ORIG, 1, False, None),
        ],
        "Đơn đề nghị cấp lại giấy phép hoạt động in",
        UNIT_PRESS,
    ),
    _dic(
        111,
        "Đăng ký sử dụng máy photocopy màu, máy in có chức năng photocopy màu",
        PUB,
        "5",
        PRINTING_LAW,
        "Giấy xác nhận đăng ký sử dụng máy photocopy màu",
        [
            ("Đơn đăng ký sử dụng máy photocopy màu", ORIG, 1, True, 0),
            ("Giấy chứng nhận đăng ký kinh doanh hoặc quyết định thành lập", COPY, 1, True, None),
            ("Hóa đơn hoặc giấy tờ chứng minh nguồn gốc hợp pháp của máy", COPY, 1, True, None),
        ],
        "Đơn đăng ký sử dụng máy photocopy màu",
        UNIT_PRESS,
        level_2011=3,
    ),
    _dic(
        112,
        "Cấp giấy phép bưu chính (phạm vi nội tỉnh)",
        POST,
        "20",
        POSTAL_LAW,
        "Giấy phép bưu chính",
        [
            ("Đơn đề nghị cấp giấy phép bưu chính", ORIG, 1, True, 0),
            ("Giấy chứng nhận đăng ký doanh nghiệp", CERT, 1, True, None),
            ("Điều lệ tổ chức và hoạt động của doanh nghiệp", COPY, 1, True, None),
            ("Phương án kinh doanh", ORIG, 1, True, None),
            ("Mẫu hợp đồng cung ứng và sử dụng dịch vụ bưu chính", ORIG, 1, True, None),
            ("Bảng giá cước và tiêu chuẩn chất lượng dịch vụ", ORIG, 1, True, None),
        ],
        "Đơn đề nghị cấp giấy phép bưu chính",
        UNIT_POST,
        level_2011=3,
        fee_vnd=1_000_000,
        fee_note="Phí thẩm định điều kiện hoạt động bưu chính (phạm vi nội tỉnh).",
    ),
    _dic(
        113,
        "Cấp văn bản xác nhận thông báo hoạt động bưu chính",
        POST,
        "7",
        POSTAL_LAW,
        "Văn bản xác nhận thông báo hoạt động bưu chính",
        [
            ("Văn bản thông báo hoạt động bưu chính", ORIG, 1, True, 0),
            (
                "Giấy chứng nhận đăng ký doanh nghiệp hoặc giấy chứng nhận đầu tư",
                CERT,
                1,
                True,
                None,
            ),
            (
                "Hợp đồng đại lý hoặc nhượng quyền thương mại trong lĩnh vực bưu chính",
                COPY,
                1,
                False,
                None,
            ),
        ],
        "Văn bản thông báo hoạt động bưu chính",
        UNIT_POST,
    ),
    _dic(
        114,
        "Sửa đổi, bổ sung giấy phép bưu chính",
        POST,
        "10",
        POSTAL_LAW,
        "Giấy phép bưu chính sửa đổi, bổ sung",
        [
            ("Đơn đề nghị sửa đổi, bổ sung giấy phép bưu chính", ORIG, 1, True, 0),
            ("Các tài liệu liên quan đến nội dung sửa đổi, bổ sung", COPY, 1, True, None),
        ],
        "Đơn đề nghị sửa đổi, bổ sung giấy phép bưu chính",
        UNIT_POST,
    ),
    _dic(
        115,
        "Cấp lại giấy phép bưu chính khi bị mất hoặc hư hỏng không sử dụng được",
        POST,
        "5",
        POSTAL_LAW,
        "Giấy phép bưu chính (cấp lại)",
        [("Đơn đề nghị cấp lại giấy phép bưu chính", ORIG, 1, True, 0)],
        "Đơn đề nghị cấp lại giấy phép bưu chính",
        UNIT_POST,
    ),
    _dic(
        116,
        "Thỏa thuận vị trí xây dựng công trình trạm thu, phát sóng thông tin di động (BTS)",
        TEL,
        "7",
        TELECOM_LAW,
        "Văn bản thỏa thuận vị trí trạm BTS",
        [
            ("Văn bản đề nghị thỏa thuận vị trí trạm BTS", ORIG, 1, True, 0),
            ("Sơ đồ vị trí và bản vẽ thiết kế cột ăng-ten", ORIG, 2, True, None),
            ("Giấy tờ về quyền sử dụng đất hoặc hợp đồng thuê địa điểm", COPY, 1, True, None),
        ],
        "Văn bản đề nghị thỏa thuận vị trí trạm BTS",
        UNIT_POST,
        applicant="Doanh nghiệp viễn thông",
    ),
    _dic(
        117,
        "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
        TV,
        "15",
        INTERNET_LAW,
        "Giấy phép thiết lập trang thông tin điện tử tổng hợp",
        [
            (
                "Đơn đề nghị cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
                ORIG,
                1,
                True,
                0,
            ),
            ("Quyết định thành lập hoặc giấy chứng nhận đăng ký kinh doanh", CERT, 1, True, None),
            ("Đề án hoạt động của trang thông tin điện tử", ORIG, 1, True, None),
            ("Sơ yếu lý lịch của người chịu trách nhiệm quản lý nội dung", ORIG, 1, True, None),
        ],
        "Đơn đề nghị cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
        UNIT_IT,
        level_2011=3,
    ),
    _dic(
        118,
        "Cấp giấy phép thu tín hiệu truyền hình trực tiếp từ vệ tinh (TVRO)",
        TV,
        "10",
        BROADCAST_LAW,
        "Giấy phép thu tín hiệu truyền hình trực tiếp từ vệ tinh",
        [
            ("Tờ khai đề nghị cấp giấy phép thu tín hiệu truyền hình từ vệ tinh", ORIG, 1, True, 0),
            ("Quyết định thành lập hoặc giấy chứng nhận đăng ký kinh doanh", COPY, 1, True, None),
            ("Danh mục kênh chương trình đề nghị thu và thông số thiết bị", ORIG, 1, True, None),
        ],
        "Tờ khai đề nghị cấp giấy phép thu tín hiệu truyền hình trực tiếp từ vệ tinh",
        UNIT_IT,
        level_2011=4,
        level_2022=Level2022.FULL,
        fee_vnd=500_000,
        fee_note="Lệ phí cấp giấy phép, nộp trực tuyến khi nộp hồ sơ.",
        applicant="Cơ quan, tổ chức, khách sạn, văn phòng đại diện",
    ),
]

OTHER_PROCEDURES = [
    DemoProcedure(
        code="T-CMU-900201-TT",
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại "
        "Việt Nam",
        sector="LLTP",
        agency=JUSTICE,
        days="10",
        legal_basis=(
            "Luật Lý lịch tư pháp số 28/2009/QH12 ngày 17/6/2009;\nNghị định số "
            "111/2010/NĐ-CP ngày 23/11/2010 của Chính phủ;\nThông tư số 174/2011/TT-BTC ngày "
            "02/12/2011 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý và sử dụng "
            "phí cung cấp thông tin lý lịch tư pháp."
        ),
        result="Phiếu lý lịch tư pháp số 1 hoặc số 2",
        components=[
            ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", ORIG, 1, True, 0),
            (
                "Giấy chứng minh nhân dân hoặc hộ chiếu của người được cấp Phiếu",
                COPY,
                1,
                True,
                None,
            ),
            ("Sổ hộ khẩu hoặc giấy chứng nhận thường trú, tạm trú", COPY, 1, True, None),
        ],
        forms=[
            DemoForm(
                "Mẫu số 03/2013/TT-LLTP",
                "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                [
                    "Họ và tên",
                    "Ngày, tháng, năm sinh",
                    "Số CMND/Hộ chiếu",
                    "Nơi thường trú",
                    "Mục đích yêu cầu cấp Phiếu",
                ],
            )
        ],
        processing_unit="HCTP",
        level_2011=4,
        level_2022=Level2022.FULL,
        fee_vnd=200_000,
        fee_note="Phí cung cấp thông tin lý lịch tư pháp: 200.000 đồng/lần/người "
        "(sinh viên, người có công: 100.000 đồng).",
        applicant="Công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
    ),
    DemoProcedure(
        code="T-CMU-900301-TT",
        name="Đăng ký thành lập doanh nghiệp tư nhân",
        sector="DKKD",
        agency=PLANNING,
        days="5",
        legal_basis=(
            "Luật Doanh nghiệp số 60/2005/QH11;\nNghị định số 43/2010/NĐ-CP ngày 15/4/2010 của "
            "Chính phủ về đăng ký doanh nghiệp;\nThông tư số 14/2010/TT-BKH ngày 04/6/2010 của "
            "Bộ Kế hoạch và Đầu tư."
        ),
        result="Giấy chứng nhận đăng ký doanh nghiệp",
        components=[
            ("Giấy đề nghị đăng ký doanh nghiệp tư nhân", ORIG, 1, True, 0),
            ("Chứng minh nhân dân hoặc hộ chiếu của chủ doanh nghiệp", CERT, 1, True, None),
            ("Chứng chỉ hành nghề (ngành nghề kinh doanh có điều kiện)", CERT, 1, False, None),
        ],
        forms=[DemoForm("Phụ lục I-1", "Giấy đề nghị đăng ký doanh nghiệp tư nhân")],
        processing_unit="ĐKKD",
        level_2011=3,
        fee_vnd=100_000,
        fee_note="Lệ phí đăng ký doanh nghiệp.",
        applicant="Cá nhân",
    ),
    DemoProcedure(
        code="T-CMU-900401-TT",
        name="Cấp giấy chứng nhận đăng ký hộ kinh doanh",
        sector="DKKD",
        agency=TRAN_VAN_THOI,
        days="5",
        legal_basis=(
            "Nghị định số 43/2010/NĐ-CP ngày 15/4/2010 của Chính phủ về đăng ký doanh nghiệp "
            "(Chương VII: hộ kinh doanh);\nNghị quyết của HĐND tỉnh Cà Mau về lệ phí đăng ký "
            "kinh doanh."
        ),
        result="Giấy chứng nhận đăng ký hộ kinh doanh",
        components=[
            ("Giấy đề nghị đăng ký hộ kinh doanh", ORIG, 1, True, 0),
            (
                "Chứng minh nhân dân của cá nhân hoặc người đại diện hộ gia đình",
                CERT,
                1,
                True,
                None,
            ),
        ],
        forms=[DemoForm("Phụ lục III-1", "Giấy đề nghị đăng ký hộ kinh doanh")],
        processing_unit="TCKH",
        fee_vnd=30_000,
        fee_note="Lệ phí đăng ký kinh doanh hộ kinh doanh.",
        applicant="Cá nhân, hộ gia đình",
        government_level=GovernmentLevel.DISTRICT,
    ),
    DemoProcedure(
        code="T-CMU-900501-TT",
        name="Giải quyết trợ cấp một lần đối với người có thành tích tham gia kháng chiến "
        "được tặng Bằng khen",
        sector="NCC",
        agency=TRAN_VAN_THOI,
        days="40",
        legal_basis=(
            "Quyết định số 142/2008/QĐ-TTg ngày 27/10/2008 "
            "và Quyết định số 62/2011/QĐ-TTg ngày 09/11/2011 của Thủ tướng Chính phủ;\nThông tư "
            "liên tịch số 01/2012/TTLT-BQP-BLĐTBXH-BTC ngày 05/01/2012."
        ),
        result="Quyết định trợ cấp một lần của Giám đốc Sở Lao động - Thương binh và Xã hội",
        components=[
            ("Bản khai cá nhân có xác nhận của UBND cấp xã", ORIG, 1, True, 0),
            ("Bằng khen hoặc quyết định tặng Bằng khen", COPY, 1, True, None),
            ("Biên bản xét duyệt của Hội đồng chính sách cấp xã", ORIG, 1, True, None),
        ],
        forms=[
            DemoForm(
                "Mẫu số 1A",
                "Bản khai cá nhân đề nghị hưởng trợ cấp một lần",
                [
                    "Họ và tên",
                    "Năm sinh",
                    "Nơi thường trú",
                    "Thời gian tham gia kháng chiến",
                    "Hình thức khen thưởng",
                ],
            )
        ],
        applicant="Người có thành tích tham gia kháng chiến hoặc thân nhân",
        government_level=GovernmentLevel.DISTRICT,
        # Liên thông: received and examined by the district, decided by the department.
        steps=[
            (
                "Tiếp nhận hồ sơ tại Bộ phận Một cửa huyện",
                TRAN_VAN_THOI,
                "MC",
                StepRole.RECEPTION,
                "1",
            ),
            ("Thẩm định, lập danh sách đề nghị", TRAN_VAN_THOI, "NV", StepRole.PROCESSING, "13"),
            ("Lãnh đạo UBND huyện ký văn bản đề nghị", TRAN_VAN_THOI, None, StepRole.APPROVAL, "1"),
            (
                "Sở Lao động - Thương binh và Xã hội thẩm định, ra quyết định",
                LABOUR,
                None,
                StepRole.APPROVAL,
                "20",
            ),
            (
                "Chuyển kết quả về huyện, trả kết quả cho người dân",
                TRAN_VAN_THOI,
                "MC",
                StepRole.RESULT,
                "5",
            ),
        ],
    ),
    DemoProcedure(
        code="T-CMU-900601-TT",
        name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        sector="CHUNG-THUC",
        agency=KHANH_BINH,
        days="0.5",
        legal_basis=(
            "Nghị định số 79/2007/NĐ-CP ngày 18/5/2007 của Chính phủ về cấp bản sao từ sổ gốc, "
            "chứng thực bản sao từ bản chính, chứng thực chữ ký;\nThông tư liên tịch số "
            "92/2008/TTLT-BTC-BTP ngày 17/10/2008 về lệ phí chứng thực."
        ),
        result="Bản sao có chứng thực",
        components=[
            ("Bản chính giấy tờ, văn bản cần chứng thực", ORIG, 1, True, None),
            ("Bản sao cần chứng thực", COPY, 1, True, None),
            ("Phiếu yêu cầu chứng thực", ORIG, 1, False, 0),
        ],
        forms=[
            DemoForm(
                "",
                "Phiếu yêu cầu chứng thực bản sao",
                ["Họ và tên người yêu cầu", "Giấy tờ cần chứng thực", "Số bản sao"],
            )
        ],
        processing_unit="TPHT",
        fee_vnd=2_000,
        fee_note="2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 100.000 "
        "đồng/bản.",
        applicant="Cá nhân, tổ chức",
        government_level=GovernmentLevel.COMMUNE,
    ),
    DemoProcedure(
        code="T-CMU-900701-TT",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ tại đô thị",
        sector="XAY-DUNG",
        agency=CITY,
        days="15",
        legal_basis=(
            "Luật Xây dựng số 16/2003/QH11;\nNghị định số 64/2012/NĐ-CP ngày 04/9/2012 của "
            "Chính phủ về cấp giấy phép xây dựng."
        ),
        result="Giấy phép xây dựng",
        components=[
            ("Đơn đề nghị cấp giấy phép xây dựng", ORIG, 1, True, 0),
            ("Giấy chứng nhận quyền sử dụng đất", CERT, 1, True, None),
            ("Bản vẽ thiết kế (mặt bằng, mặt cắt, mặt đứng, móng)", ORIG, 2, True, None),
        ],
        forms=[DemoForm("Phụ lục số 1", "Đơn đề nghị cấp giấy phép xây dựng")],
        level_2011=3,
        fee_vnd=50_000,
        fee_note="Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ.",
        applicant="Hộ gia đình, cá nhân",
        government_level=GovernmentLevel.DISTRICT,
    ),
]


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def _standard_steps(procedure: DemoProcedure, agency: Agency) -> list[StepSpec]:
    """Reception and result at the one-stop counter, examination in the specialised unit,
    approval by the agency's leadership; the shares add up to the processing time."""
    total = Decimal(procedure.days)
    if total >= 3:
        reception, result = Decimal("0.5"), Decimal("0.5")
        approval = Decimal(1) if total >= 5 else Decimal("0.5")
    else:
        reception = result = approval = _tenths(total / 5)
    processing = total - reception - result - approval
    units = {unit.abbreviation: unit for unit in Unit.objects.filter(agency=agency)}
    return [
        StepSpec(
            1, "Tiếp nhận, kiểm tra hồ sơ", agency, StepRole.RECEPTION, reception, units.get("MC")
        ),
        StepSpec(
            2,
            "Thẩm định hồ sơ, đề xuất",
            agency,
            StepRole.PROCESSING,
            processing,
            units.get(procedure.processing_unit or ""),
        ),
        StepSpec(3, "Lãnh đạo xem xét, ký duyệt", agency, StepRole.APPROVAL, approval, None),
        StepSpec(4, "Trả kết quả", agency, StepRole.RESULT, result, units.get("MC")),
    ]


def _steps(procedure: DemoProcedure, agency: Agency) -> list[StepSpec]:
    if procedure.steps is None:
        return _standard_steps(procedure, agency)
    specs = []
    for order, (name, code, unit_abbr, role, days) in enumerate(procedure.steps, start=1):
        step_agency = Agency.objects.get(code=code)
        unit = Unit.objects.filter(agency=step_agency, abbreviation=unit_abbr).first()
        specs.append(StepSpec(order, name, step_agency, role, Decimal(days), unit))
    return specs


@transaction.atomic
def load_demo_catalogue() -> int:
    """Load the demo catalogue into the demo province (load it first); returns how many
    procedures were added."""
    sectors = {}
    for ordinal, (code, name) in enumerate(SECTORS):
        existing = Sector.objects.filter(code=code).first()
        sectors[code] = existing or services.save_sector(
            actor=None, code=code, name=name, ordinal=ordinal
        )
    added = 0
    for demo in DIC_PROCEDURES + OTHER_PROCEDURES:
        if Procedure.objects.filter(national_code=demo.code).exists():
            continue
        agency = Agency.objects.get(code=demo.agency)
        procedure = services.create_procedure(
            actor=None,
            fields={
                "national_code": demo.code,
                "name": demo.name,
                "sector": sectors[demo.sector],
                "agency": agency,
                "government_level": demo.government_level,
                "level_2011": demo.level_2011,
                "level_2022": demo.level_2022,
                "applicant": demo.applicant,
                "method": (
                    "Nộp trực tiếp tại Bộ phận Một cửa của "
                    f"{agency.name}, qua đường bưu điện"
                    + (" hoặc trực tuyến." if demo.level_2011 >= 3 else ".")
                ),
                "requirements": demo.requirements,
                "legal_basis": demo.legal_basis,
                "fee_vnd": demo.fee_vnd,
                "fee_note": demo.fee_note,
                "processing_days": Decimal(demo.days),
                "result_name": demo.result,
            },
        )
        forms = [
            services.add_form(
                actor=None,
                procedure=procedure,
                name=form.title,
                code=form.code,
                ordinal=index,
                upload=io.BytesIO(
                    form_docx(
                        code=form.code, title=form.title, addressee=agency.name, lines=form.lines
                    )
                ),
                file_name=f"{demo.code}-mau-{index + 1}.docx",
            )
            for index, form in enumerate(demo.forms)
        ]
        components = [
            ComponentSpec(
                order=order,
                name=name,
                copy_kind=kind,
                quantity=quantity,
                required=required,
                form=forms[form_index] if form_index is not None else None,
            )
            for order, (name, kind, quantity, required, form_index) in enumerate(
                demo.components, start=1
            )
        ]
        services.update_procedure(
            actor=None, procedure=procedure, components=components, steps=_steps(demo, agency)
        )
        services.publish_procedure(actor=None, procedure=procedure)
        added += 1
    return added
