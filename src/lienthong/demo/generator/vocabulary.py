"""The vocabulary of a generated province: real phrases of Vietnamese administrative documents
(trích yếu by document type), senders and their symbols, Vietnamese names, and the districts and
communes of Cà Mau (before 2025). Shared by `lienthong generate_province` and
benchmarks/documents.py."""

from __future__ import annotations

from dataclasses import dataclass

FAMILY_NAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Dương", "Lâm", "Quách",
    "Tô", "Đỗ", "Ngô", "Lý", "Châu", "Hồ", "Trương",
]  # fmt: skip
MIDDLE_NAMES = {"ông": ["Văn", "Minh", "Hoàng", "Thanh", "Quốc", "Hữu", "Công", "Chí"],
                "bà": ["Thị", "Ngọc", "Thanh", "Kim", "Thúy", "Bích", "Mỹ"]}  # fmt: skip
GIVEN_NAMES = {
    "ông": ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Phúc", "Quang", "Sơn", "Trung",
            "Tuấn", "Khải", "Nghĩa", "Toàn", "Thắng", "Lộc", "Phong", "Vinh"],
    "bà": ["Lan", "Mai", "Thảo", "Yến", "Hằng", "Nhung", "Trang", "Hạnh", "Loan", "Diễm",
           "Xuân", "Tuyết"],
}  # fmt: skip

# District → some of its communes and towns.
DISTRICTS = {
    "thành phố Cà Mau": ["phường 5", "phường 8", "xã Tắc Vân", "xã An Xuyên", "xã Lý Văn Lâm"],
    "huyện Thới Bình": ["xã Biển Bạch", "xã Tân Lộc", "xã Trí Phải", "thị trấn Thới Bình"],
    "huyện U Minh": ["xã Khánh An", "xã Nguyễn Phích", "xã Khánh Lâm", "thị trấn U Minh"],
    "huyện Trần Văn Thời": ["xã Khánh Bình Tây", "xã Khánh Hải", "xã Phong Lạc",
                            "thị trấn Sông Đốc", "xã Lợi An"],
    "huyện Cái Nước": ["xã Hưng Mỹ", "xã Trần Thới", "xã Đông Hưng", "thị trấn Cái Nước"],
    "huyện Đầm Dơi": ["xã Tạ An Khương", "xã Tân Duyệt", "xã Quách Phẩm", "xã Tân Thuận",
                      "thị trấn Đầm Dơi"],
    "huyện Năm Căn": ["xã Hàm Rồng", "xã Tam Giang", "xã Đất Mới", "thị trấn Năm Căn"],
    "huyện Phú Tân": ["thị trấn Cái Đôi Vàm", "xã Phú Thuận", "xã Tân Hải", "xã Việt Thắng"],
    "huyện Ngọc Hiển": ["xã Đất Mũi", "xã Viên An", "xã Tân Ân", "thị trấn Rạch Gốc"],
}  # fmt: skip

TOPICS = [
    "đăng ký kinh doanh", "cải cách hành chính", "chuyển đổi số", "phòng, chống thiên tai và "
    "tìm kiếm cứu nạn", "phòng cháy, chữa cháy rừng mùa khô", "nuôi trồng thủy sản",
    "xây dựng nông thôn mới", "bồi thường, hỗ trợ và tái định cư",
    "cấp giấy chứng nhận quyền sử dụng đất", "tiêm chủng mở rộng",
    "phòng, chống dịch sốt xuất huyết", "bảo đảm trật tự an toàn giao thông",
    "chống khai thác hải sản bất hợp pháp, không báo cáo và không theo quy định (IUU)",
    "cung cấp dịch vụ công trực tuyến", "thu, chi ngân sách nhà nước",
    "giải ngân vốn đầu tư công", "phát triển dữ liệu dân cư theo Đề án 06",
    "bảo vệ và phát triển rừng ngập mặn", "phòng, chống sạt lở bờ sông, bờ biển",
    "giảm nghèo bền vững", "tuyển sinh vào lớp 10", "phổ biến, giáo dục pháp luật",
    "tiếp công dân, giải quyết khiếu nại, tố cáo", "thực hành tiết kiệm, chống lãng phí",
    "quản lý tài nguyên nước", "bảo hiểm xã hội, bảo hiểm y tế toàn dân",
    "phát triển du lịch Mũi Cà Mau", "hỗ trợ doanh nghiệp nhỏ và vừa",
    "xử lý vi phạm hành chính trong lĩnh vực đất đai", "bảo đảm an toàn thực phẩm",
    "chăm lo Tết Nguyên đán cho gia đình chính sách", "kiểm soát thủ tục hành chính",
    "xây dựng đê biển Tây", "chuyển đổi cơ cấu cây trồng, vật nuôi",
]  # fmt: skip

SUBJECTS = {
    "Quyết định": [
        "Quyết định về việc phê duyệt kế hoạch {topic} năm {year}",
        "Về việc phê duyệt kế hoạch {topic} năm {year}",
        "Về việc thành lập Tổ công tác {topic} tỉnh Cà Mau",
        "Về việc công nhận {commune}, {district} đạt chuẩn nông thôn mới năm {year}",
        "Về việc bổ nhiệm {honorific} {person} giữ chức vụ {position}",
        "Về việc thu hồi đất để thực hiện dự án {topic} tại {commune}, {district}",
        "Về việc phê duyệt danh sách hộ nghèo, hộ cận nghèo năm {year} trên địa bàn {district}",
        "Về việc khen thưởng tập thể, cá nhân có thành tích trong công tác {topic}",
        "Về việc giao chỉ tiêu {topic} năm {year} cho {district}",
    ],
    "Công văn": [
        "V/v triển khai {topic}",
        "Công văn V/v triển khai thực hiện {topic} trên địa bàn {district}",
        "V/v đề nghị cung cấp thông tin về {topic}",
        "V/v góp ý dự thảo Quyết định quy định về {topic}",
        "V/v tăng cường công tác {topic}",
        "V/v báo cáo kết quả {topic} quý {quarter} năm {year}",
        "V/v cử cán bộ tham dự lớp tập huấn {topic}",
        "V/v giải quyết đơn của {honorific} {person}, ngụ {commune}, {district}",
        "V/v chấn chỉnh công tác {topic} tại {district}",
    ],
    "Thông báo": [
        "Thông báo kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với UBND {district}",
        "Thông báo lịch tiếp công dân định kỳ tháng {month} năm {year}",
        "Thông báo kết quả thẩm định hồ sơ {topic}",
    ],
    "Kế hoạch": [
        "Kế hoạch {topic} năm {year}",
        "Kế hoạch kiểm tra công tác {topic} tại {district}",
    ],
    "Báo cáo": [
        "Báo cáo tình hình {topic} tháng {month} năm {year}",
        "Báo cáo kết quả thực hiện {topic} 6 tháng đầu năm {year}",
        "Báo cáo tổng kết công tác {topic} năm {year}",
    ],
    "Giấy mời": [
        "Giấy mời dự hội nghị sơ kết {topic}",
        "Mời họp trực tuyến về {topic} với các huyện, thành phố",
    ],
    "Tờ trình": ["Tờ trình đề nghị phê duyệt đề án {topic} giai đoạn 2026 - 2030"],
    "Hướng dẫn": ["Hướng dẫn thực hiện {topic} trên địa bàn tỉnh Cà Mau"],
    "Chỉ thị": ["Chỉ thị về tăng cường công tác {topic}"],
    "Công điện": [
        "Công điện về việc chủ động ứng phó với bão số {storm} và áp thấp nhiệt đới",
        "Công điện về phòng, chống triều cường, sạt lở bờ biển Tây tại {district}",
    ],
    "Nghị quyết": ["Nghị quyết quy định mức hỗ trợ {topic} trên địa bàn tỉnh Cà Mau"],
    "Chương trình": ["Chương trình công tác {topic} năm {year}"],
}
TYPE_WEIGHTS = {
    "Công văn": 40, "Quyết định": 15, "Giấy mời": 7, "Thông báo": 8, "Kế hoạch": 7,
    "Báo cáo": 8, "Tờ trình": 4, "Hướng dẫn": 4, "Chỉ thị": 2, "Công điện": 2,
    "Nghị quyết": 1, "Chương trình": 2,
}  # fmt: skip
# A rare phrase (the Hòn Khoai island and port project): about one document in RARE_EVERY.
RARE_SUBJECTS = [
    "V/v khảo sát hiện trạng đảo Hòn Khoai, huyện Ngọc Hiển",
    "Về việc chủ trương đầu tư dự án Cảng tổng hợp Hòn Khoai",
]
RARE_EVERY = 2500
POSITIONS = ["Phó Giám đốc Sở Tư pháp", "Trưởng phòng Tài nguyên và Môi trường",
             "Chánh Thanh tra huyện", "Phó Chánh Văn phòng UBND tỉnh"]  # fmt: skip
RECEIVING_UNITS = ["Lãnh đạo cơ quan", "Văn phòng", "Phòng Kinh tế", "Phòng Tổng hợp",
                   "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ", "Bộ phận Một cửa"]  # fmt: skip
DESCRIPTIONS = ["Văn bản điện tử nhận qua Trục liên thông văn bản quốc gia",
                "Bản giấy kèm hồ sơ", "Nhận qua bưu điện"]  # fmt: skip


@dataclass(frozen=True)
class Issuer:
    name: str
    abbreviation: str
    units: tuple[str, ...]  # drafting units, for the symbol of a công văn (UBND-KT)
    signers: tuple[str, ...]
    weight: int
    code: str = ""  # an agency on the platform (issuer_code, issuer_agency)


COMMITTEE_SIGNERS = ("Chủ tịch", "Phó Chủ tịch")
DEPARTMENT_SIGNERS = ("Giám đốc", "Phó Giám đốc")

ISSUERS = [
    Issuer("Ủy ban nhân dân tỉnh Cà Mau", "UBND", ("KT", "NC", "VX", "XD", "TH"),
           COMMITTEE_SIGNERS, 20, "000.00.00.H12"),
    Issuer("Văn phòng Ủy ban nhân dân tỉnh Cà Mau", "VPUBND", ("HCTC", "KT"),
           ("Chánh Văn phòng", "Phó Chánh Văn phòng"), 8, "000.00.01.H12"),
    Issuer("Sở Kế hoạch và Đầu tư", "SKHĐT", ("VP", "ĐKKD"), DEPARTMENT_SIGNERS, 6,
           "000.00.02.H12"),
    Issuer("Sở Tài nguyên và Môi trường", "STNMT", ("VP", "QLĐĐ"), DEPARTMENT_SIGNERS, 5),
    Issuer("Sở Tài chính", "STC", ("VP", "QLNS"), DEPARTMENT_SIGNERS, 5),
    Issuer("Sở Nội vụ", "SNV", ("VP", "CCHC"), DEPARTMENT_SIGNERS, 4),
    Issuer("Sở Nông nghiệp và Phát triển nông thôn", "SNN", ("VP", "TS"), DEPARTMENT_SIGNERS, 4),
    Issuer("Sở Giáo dục và Đào tạo", "SGDĐT", ("VP",), DEPARTMENT_SIGNERS, 3),
    Issuer("Sở Y tế", "SYT", ("VP", "NVY"), DEPARTMENT_SIGNERS, 3),
    Issuer("Sở Thông tin và Truyền thông", "STTTT", ("VP", "BCVT"), DEPARTMENT_SIGNERS, 3),
    Issuer("Công an tỉnh Cà Mau", "CAT", ("PV01", "PC08"), ("Giám đốc", "Phó Giám đốc"), 2),
    Issuer("Bộ Nội vụ", "BNV", ("CCHC",), ("Bộ trưởng", "Thứ trưởng"), 1),
    Issuer("Văn phòng Chính phủ", "VPCP", ("KSTT",), ("Bộ trưởng, Chủ nhiệm",), 1),
    Issuer("Ủy ban nhân dân huyện Trần Văn Thời", "UBND", ("VP",), COMMITTEE_SIGNERS, 3,
           "000.00.03.H12"),
    Issuer("Ủy ban nhân dân huyện Đầm Dơi", "UBND", ("VP",), COMMITTEE_SIGNERS, 3,
           "000.00.04.H12"),
    Issuer("Ủy ban nhân dân huyện Năm Căn", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
    Issuer("Ủy ban nhân dân huyện Ngọc Hiển", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
    Issuer("Ủy ban nhân dân huyện U Minh", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
    Issuer("Ủy ban nhân dân huyện Thới Bình", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
    Issuer("Ủy ban nhân dân huyện Cái Nước", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
    Issuer("Ủy ban nhân dân huyện Phú Tân", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
    Issuer("Ủy ban nhân dân thành phố Cà Mau", "UBND", ("VP",), COMMITTEE_SIGNERS, 2),
]  # fmt: skip

# --- What the generator adds: processing, attachments' text, work files, the one-stop shop -------

# Ý kiến chỉ đạo of a leader assigning an incoming document.
INSTRUCTIONS = [
    "Giao {unit} chủ trì, tham mưu văn bản trả lời; báo cáo kết quả trước hạn.",
    "Chuyển {unit} nghiên cứu, đề xuất.",
    "{unit} chủ trì phối hợp các đơn vị liên quan triển khai thực hiện.",
    "Giao {unit} theo dõi, tổng hợp, báo cáo Lãnh đạo.",
    "Đề nghị {unit} khẩn trương thực hiện, không để trễ hạn.",
    "{unit} tham mưu dự thảo Kế hoạch triển khai.",
]
PROGRESS_NOTES = [
    "Đã liên hệ các đơn vị liên quan để tổng hợp số liệu.",
    "Đang dự thảo văn bản trả lời, trình Lãnh đạo phòng xem xét.",
    "Đã trao đổi với {district} về nội dung văn bản.",
    "Đã hoàn thành, văn bản trả lời đã trình ký.",
    "Đề xuất gia hạn do chờ ý kiến của các sở, ngành.",
]
RETURN_REASONS = [
    "Nội dung không thuộc chức năng, nhiệm vụ của đơn vị, đề nghị chuyển {unit}.",
    "Văn bản đã được giải quyết tại văn bản khác, đề nghị lưu hồ sơ.",
]
# The body of an attached file (its extracted text), built from a few of these sentences.
BODY_SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về {topic},",
    "Nhằm nâng cao hiệu quả công tác {topic} trên địa bàn {district},",
    "đề nghị các cơ quan, đơn vị, địa phương triển khai thực hiện một số nội dung sau:",
    "Tổ chức rà soát, thống kê và báo cáo kết quả thực hiện {topic} trong năm {year}.",
    "Phối hợp chặt chẽ với Ủy ban nhân dân {commune}, {district} trong quá trình thực hiện.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước được giao trong dự toán năm {year}.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời báo cáo về Sở Nội vụ "
    "để tổng hợp, trình Ủy ban nhân dân tỉnh xem xét, giải quyết.",
    "Giao {unit} theo dõi, đôn đốc và báo cáo kết quả thực hiện.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
]
ATTACHMENT_TITLES = ["Văn bản", "Phụ lục kèm theo", "Bản scan văn bản giấy", "Dự thảo"]
# Work files (hồ sơ công việc): a title per kind, filled with a topic and a year.
CASE_FILE_TITLES = [
    "Hồ sơ về {topic} năm {year}",
    "Tập văn bản chỉ đạo, điều hành về {topic} năm {year}",
    "Hồ sơ hội nghị sơ kết, tổng kết công tác {topic} năm {year}",
    "Hồ sơ giải quyết đơn thư liên quan đến {topic} năm {year}",
]
STREETS = [
    "Hùng Vương", "Lý Thường Kiệt", "Trần Hưng Đạo", "Nguyễn Tất Thành", "Phan Ngọc Hiển",
    "Ngô Quyền", "Nguyễn Trãi", "Lê Lợi", "Quang Trung", "Đề Thám",
]  # fmt: skip
BUSINESS_NAMES = [
    "Công ty TNHH Thủy sản {given}", "Công ty Cổ phần Xây dựng {given} Cà Mau",
    "Hợp tác xã Nuôi tôm {commune}", "Doanh nghiệp tư nhân {given}",
    "Công ty TNHH Thương mại Dịch vụ {given}",
]  # fmt: skip
# Mobile prefixes of Vietnamese carriers (10 digits in all).
PHONE_PREFIXES = ["090", "091", "093", "094", "097", "098", "086", "032", "083", "070"]
