"""A local simulator of the national public-service portal's adapter (docs/dvcqg.md).

It checks what the portal checks: the session obtained with the configured user name and
password, a known procedure code (mã TTHC), a well-formed `DongBoHoSoMC` record with the
required fields and dates as yyyyMMddHHmmss, a valid sequence of statuses per dossier, and it
acknowledges a re-sent record once (the same status as the last one stored is a duplicate: no
second history entry). It also plays the citizen's side of the portal: dossiers filed there
(a small form at `/`, or `POST /_sim/file` with JSON, papers as base64 in `TaiLieuNop`) are
listed to the agency's system by `LayDanhSachHoSoMoi`, their papers served at `GET /files/<id>`
to a valid session, until it confirms them with `XacNhanHoSo`. Progress
(`CapNhatTienDoHoSoMC`) is taken only for a dossier the portal knows, at its current status,
never earlier than the progress it already has; the record of a dossier whose result is ready
must list the result (`DanhSachGiayToKetQua`), its fees well-formed (`DanhSachLePhi`).

A plain WSGI application (no Django), so it runs beside the platform
(`lienthong dvcqg_simulator --port 8767`) or inside a test; its storage is its own (in memory,
or a JSON file that survives a restart). Its checks are written here independently of the
client and of `payload.py`, so a mistake on one side shows as a refusal on the other.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
import html
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from lienthong.core.simulators import ServedSimulator

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
AUTH_PATH = "/auth"
INTEGRATION_PATH = "/integration"

# The simulator's error codes (the real adapter's are not published; see docs/dvcqg.md).
OK, BAD_REQUEST, UNKNOWN_PROCEDURE, BAD_SEQUENCE, UNKNOWN_DOSSIER, BAD_LOGIN = 0, 2, 3, 4, 5, 6
SESSION_EXPIRED = 401

# TrangThaiHoSo 1-10 and which may follow which (the portal's life cycle of a dossier).
NEXT_STATUS: dict[int, set[int]] = {
    1: {2, 3, 5, 7},
    2: {4, 5, 7, 8, 9},
    3: set(),
    4: {5, 6, 7, 8, 9},
    5: {1, 2, 3, 4, 7},
    6: {4, 7},
    7: set(),
    8: set(),
    9: {10},
    10: set(),
}
FIRST_STATUSES = {1, 2}
REQUIRED = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "LoaiDoiTuong", "TrichYeuHoSo", "DonViXuLy")
DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
# Statuses that exist only once the dossier was received: it then has its dates.
RECEIVED_STATUSES = {2, 4, 6, 9, 10}
PROCEDURE_RE = re.compile(r"^[12]\.\d{6}$")
AGENCY_RE = re.compile(r"^[0-9A-Z.]{3,30}$")


class PortalState:
    """The simulator's own storage: the status history of each dossier, the dossiers filed on
    the portal and the sessions; saved to `path` (JSON) after each change when given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.sessions: set[str] = set()
        self.histories: dict[str, list[dict[str, Any]]] = {}
        self.filed: dict[str, dict[str, Any]] = {}
        self.progress: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[str, str] = {}  # file id → content, base64
        if path is not None and path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            self.histories = data.get("histories", {})
            self.filed = data.get("filed", {})
            self.progress = data.get("progress", {})
            self.files = data.get("files", {})

    def save(self) -> None:
        if self.path is not None:
            data = {
                "histories": self.histories,
                "filed": self.filed,
                "progress": self.progress,
                "files": self.files,
            }
            self.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def key(agency: str, dossier_code: str) -> str:
        return f"{agency}|{dossier_code}"

    def statuses(self, agency: str, dossier_code: str) -> list[int]:
        with self.lock:
            return [
                r["TrangThaiHoSo"] for r in self.histories.get(self.key(agency, dossier_code), [])
            ]

    def latest(self, agency: str, dossier_code: str) -> dict[str, Any] | None:
        """The record the portal holds for the dossier (its last update)."""
        with self.lock:
            history = self.histories.get(self.key(agency, dossier_code), [])
            return history[-1] if history else None

    def file(self, agency: str, record: dict[str, Any], base_url: str = "") -> str:
        """A citizen files a dossier on the portal; returns its tracking code. Papers given
        with their content (`NoiDung`, base64) are kept and listed with their address, size
        and SHA-256, as the portal lists them; the other fields of a paper are kept as given."""
        with self.lock:
            now = datetime.now(TZ)
            tracking = f"G22.{now:%y%m%d}-{len(self.filed) + 1:05d}"
            papers = []
            for number, paper in enumerate(record.get("TaiLieuNop") or [], start=1):
                paper = dict(paper)
                content = paper.pop("NoiDung", None)
                if content is not None:
                    file_id = f"{tracking}-{number}"
                    raw = base64.b64decode(content)
                    self.files[file_id] = content
                    paper = {
                        "TepDinhKemId": file_id,
                        "DuongDanTaiTepTin": f"{base_url}/files/{file_id}",
                        "KichThuoc": len(raw),
                        "MaBam": hashlib.sha256(raw).hexdigest(),
                        "IsDeleted": False,
                        **paper,
                    }
                papers.append(paper)
            record = {**record, "MaHoSo": tracking, "NgayNopHoSo": now.strftime(DATE_FORMAT)}
            if papers:
                record["TaiLieuNop"] = papers
            self.filed[tracking] = {"agency": agency, "record": record, "confirmed": ""}
            self.histories[self.key(agency, tracking)] = [
                {"TrangThaiHoSo": 1, "MaTTHC": record.get("MaTTHC", "")}
            ]
            self.save()
            return tracking


class PortalSimulator:
    def __init__(
        self,
        *,
        username: str,
        password: str,
        procedure_codes: Iterable[str],
        state: PortalState | None = None,
        procedure_names: dict[str, str] | None = None,
    ) -> None:
        self.username = username
        self.password = password
        self.procedure_codes = set(procedure_codes)
        self.procedure_names = procedure_names or {}
        self.state = state or PortalState()
        self.calls: list[str] = []  # the services called, in order (for tests and the page)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            return self._get(environ, start_response, path)
        if method != "POST":
            return _json(start_response, {"error_code": BAD_REQUEST, "message": "POST only"}, 405)
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if path == "/file":  # the citizen's form, with papers
            fields, papers = _form(environ, raw)
            agency = fields.pop("madonvi", "")
            error = self._check_filing(agency, fields)
            if error is None:
                record: dict[str, Any] = {**fields, "LoaiDoiTuong": int(fields["LoaiDoiTuong"])}
                if papers:
                    record["TaiLieuNop"] = [
                        {"TenTepDinhKem": name, "NoiDung": base64.b64encode(data).decode()}
                        for name, data in papers
                    ]
                self.state.file(agency, record, _base_url(environ))
            return _html(start_response, self._page(error or ""))
        try:
            body = json.loads(raw)
        except ValueError:
            return _json(start_response, {"error_code": BAD_REQUEST, "message": "not JSON"}, 400)
        if not isinstance(body, dict):
            return _json(start_response, {"error_code": BAD_REQUEST, "message": "not an object"})
        if path == AUTH_PATH:
            return _json(start_response, self._auth(body))
        if path == INTEGRATION_PATH:
            return _json(start_response, self._integration(body))
        if path == "/_sim/file":
            agency = str(body.pop("madonvi", ""))
            error = self._check_filing(agency, body)
            if error:
                return _json(start_response, {"error_code": BAD_REQUEST, "message": error})
            tracking = self.state.file(agency, body, _base_url(environ))
            return _json(start_response, {"error_code": OK, "MaHoSo": tracking})
        return _json(start_response, {"error_code": BAD_REQUEST, "message": "no such path"}, 404)

    def _get(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> list[bytes]:
        if path == "/":
            return _html(start_response, self._page())
        if path == "/health":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path.startswith("/files/"):
            return self._file(environ, start_response, path.removeprefix("/files/"))
        return _json(start_response, {"error_code": BAD_REQUEST, "message": "no such path"}, 404)

    def _file(
        self, environ: dict[str, Any], start_response: StartResponse, file_id: str
    ) -> list[bytes]:
        if environ.get("HTTP_SESSION") not in self.state.sessions:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"session"]
        with self.state.lock:
            content = self.state.files.get(file_id)
        if content is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        data = base64.b64decode(content)
        start_response(
            "200 OK",
            [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(data)))],
        )
        return [data]

    # --- the adapter's protocol ----------------------------------------------------------------

    def _auth(self, body: dict[str, Any]) -> dict[str, Any]:
        if not (
            secrets.compare_digest(str(body.get("username", "")), self.username)
            and secrets.compare_digest(str(body.get("password", "")), self.password)
        ):
            return {"error_code": BAD_LOGIN, "message": "Sai tên đăng nhập hoặc mật khẩu"}
        session = secrets.token_hex(16)
        with self.state.lock:
            self.state.sessions.add(session)
        return {"error_code": OK, "session": session}

    def _integration(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("session") not in self.state.sessions:
            return {"error_code": SESSION_EXPIRED, "message": "Phiên làm việc không hợp lệ"}
        agency = str(body.get("madonvi", ""))
        if not AGENCY_RE.match(agency):
            return {"error_code": BAD_REQUEST, "message": "madonvi không hợp lệ"}
        service = body.get("service")
        self.calls.append(str(service))
        if service == "DongBoHoSoMC":
            return self._sync(agency, body)
        if service == "CapNhatTienDoHoSoMC":
            return self._progress(agency, body)
        if service == "LayDanhSachHoSoMoi":
            with self.state.lock:
                data = [
                    f["record"]
                    for f in self.state.filed.values()
                    if f["agency"] == agency and not f["confirmed"]
                ]
            return {"error_code": OK, "data": data}
        if service == "XacNhanHoSo":
            with self.state.lock:
                filed = self.state.filed.get(str(body.get("MaHoSo", "")))
                if filed is None or filed["agency"] != agency:
                    return {"error_code": UNKNOWN_DOSSIER, "message": "Không tìm thấy hồ sơ"}
                filed["confirmed"] = str(body.get("SoBienNhan", ""))[:40] or "?"
                self.state.save()
            return {"error_code": OK}
        if service == "LayThuTuc":
            code = str(body.get("maTTHC", ""))
            if code not in self.procedure_codes:
                return {"error_code": UNKNOWN_PROCEDURE, "message": "Mã TTHC không có trong CSDL"}
            name = self.procedure_names.get(code, f"Thủ tục {code}")
            return {"error_code": OK, "data": {"MATTHC": code, "TENTTHC": name}}
        if service == "TraCuuHoSo":
            history = self.state.statuses(agency, str(body.get("mahoso", "")))
            return {"error_code": OK, "data": history}
        return {"error_code": BAD_REQUEST, "message": f"Dịch vụ không hỗ trợ: {service}"}

    def _sync(self, agency: str, body: dict[str, Any]) -> dict[str, Any]:
        data = body.get("data")
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
            return {"error_code": BAD_REQUEST, "message": "data phải là danh sách một hồ sơ"}
        record = data[0]
        error = _check_record(record)
        if error:
            return {"error_code": BAD_REQUEST, "message": error}
        if record["MaTTHC"] not in self.procedure_codes:
            return {"error_code": UNKNOWN_PROCEDURE, "message": "Mã TTHC không có trong CSDL"}
        status = record["TrangThaiHoSo"]
        with self.state.lock:
            history = self.state.histories.setdefault(self.state.key(agency, record["MaHoSo"]), [])
            last = history[-1]["TrangThaiHoSo"] if history else None
            if last == status:
                if history[-1] == record:
                    return {"error_code": OK, "duplicate": True, "message": "Đã cập nhật trước đó"}
                # isUpdating: the same status, the record changed (the fee paid, the result):
                # the portal keeps the latest record, no second status in the history.
                history[-1] = record
                self.state.save()
                return {"error_code": OK, "duplicate": False, "message": "Cập nhật thành công"}
            allowed = FIRST_STATUSES if last is None else NEXT_STATUS[last]
            if status not in allowed:
                if not history:
                    del self.state.histories[self.state.key(agency, record["MaHoSo"])]
                return {
                    "error_code": BAD_SEQUENCE,
                    "message": f"Trạng thái {status} không thể theo sau {last}",
                }
            history.append(record)
            self.state.save()
        return {"error_code": OK, "duplicate": False, "message": "Cập nhật thành công"}

    def _progress(self, agency: str, body: dict[str, Any]) -> dict[str, Any]:
        data = body.get("data")
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
            return {"error_code": BAD_REQUEST, "message": "data phải là danh sách một tiến độ"}
        entry = data[0]
        error = _check_progress(entry)
        if error:
            return {"error_code": BAD_REQUEST, "message": error}
        key = self.state.key(agency, entry["MaHoSo"])
        with self.state.lock:
            history = self.state.histories.get(key)
            if not history:
                return {"error_code": UNKNOWN_DOSSIER, "message": "Hồ sơ chưa được đồng bộ"}
            current = history[-1]["TrangThaiHoSo"]
            if entry["TrangThai"] != current:
                return {
                    "error_code": BAD_SEQUENCE,
                    "message": f"Tiến độ ở trạng thái {entry['TrangThai']}, hồ sơ đang ở {current}",
                }
            steps = self.state.progress.setdefault(key, [])
            if entry in steps:
                return {"error_code": OK, "duplicate": True, "message": "Đã cập nhật trước đó"}
            if steps and entry["ThoiDiemXuLy"] < steps[-1]["ThoiDiemXuLy"]:
                return {"error_code": BAD_SEQUENCE, "message": "Tiến độ trước tiến độ đã có"}
            steps.append(entry)
            self.state.save()
        return {"error_code": OK, "duplicate": False, "message": "Cập nhật thành công"}

    def _check_filing(self, agency: str, fields: dict[str, Any]) -> str | None:
        if not AGENCY_RE.match(agency):
            return "madonvi không hợp lệ"
        if fields.get("MaTTHC") not in self.procedure_codes:
            return "Mã TTHC không có trong CSDL"
        for key in ("ChuHoSo", "MaDoiTuong", "SoDienThoai", "TrichYeuHoSo"):
            if not str(fields.get(key, "")).strip():
                return f"Thiếu {key}"
        if str(fields.get("LoaiDoiTuong")) not in ("1", "2"):
            return "LoaiDoiTuong không hợp lệ"
        return None

    def _page(self, error: str = "") -> str:
        with self.state.lock:
            rows = "".join(
                f"<tr><td>{html.escape(code)}</td><td>{html.escape(f['agency'])}</td>"
                f"<td>{html.escape(str(f['record'].get('ChuHoSo', '')))}</td>"
                f"<td>{html.escape(f['confirmed'] or '—')}</td></tr>"
                for code, f in self.state.filed.items()
            )
        codes = "".join(f"<option>{html.escape(c)}</option>" for c in sorted(self.procedure_codes))
        return (
            "<!doctype html><meta charset=utf-8><title>Cổng DVCQG (mô phỏng)</title>"
            "<h1>Cổng Dịch vụ công quốc gia — mô phỏng</h1>"
            + (f"<p role=alert>{html.escape(error)}</p>" if error else "")
            + "<form method=post action=/file>"
            "<p><label>Mã đơn vị <input name=madonvi required></label>"
            f"<p><label>Mã TTHC <select name=MaTTHC>{codes}</select></label>"
            "<p><label>Chủ hồ sơ <input name=ChuHoSo required></label>"
            "<p><label>Loại <select name=LoaiDoiTuong><option value=1>Công dân"
            "<option value=2>Tổ chức</select></label>"
            "<p><label>Số định danh <input name=MaDoiTuong required></label>"
            "<p><label>Điện thoại <input name=SoDienThoai required></label>"
            "<p><label>Địa chỉ <input name=DiaChi></label>"
            "<p><label>Trích yếu <input name=TrichYeuHoSo required></label>"
            "<p><label>Giấy tờ (PDF) <input type=file name=TaiLieuNop multiple></label>"
            "<p><button>Nộp hồ sơ</button></form>"
            "<table><tr><th>Mã hồ sơ<th>Đơn vị<th>Chủ hồ sơ<th>Số biên nhận</tr>"
            f"{rows}</table>"
        )


def _base_url(environ: dict[str, Any]) -> str:
    return f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"


def _form(environ: dict[str, Any], raw: bytes) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """The citizen's form: its fields, and its files (name, content) when multipart."""
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if not content_type.startswith("multipart/form-data"):
        return dict(parse_qsl(raw.decode("utf-8", "replace"))), []
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    fields: dict[str, str] = {}
    files: list[tuple[str, bytes]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename:
            if data:
                files.append((filename, data))
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8", "replace")
    return fields, files


def _check_record(record: dict[str, Any]) -> str | None:
    for key in REQUIRED:
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"Thiếu trường {key}"
    if record["LoaiDoiTuong"] not in (1, 2):
        return "LoaiDoiTuong phải là 1 hoặc 2"
    status = record.get("TrangThaiHoSo")
    if not isinstance(status, int) or isinstance(status, bool) or status not in NEXT_STATUS:
        return "TrangThaiHoSo phải là số từ 1 đến 10"
    if not PROCEDURE_RE.match(str(record["MaTTHC"])):
        return "MaTTHC sai định dạng"
    for key in DATES:
        value = record.get(key) or ""
        if value:
            try:
                datetime.strptime(str(value), DATE_FORMAT)
            except ValueError:
                return f"{key} phải có dạng yyyyMMddHHmmss"
    if status in RECEIVED_STATUSES and not (
        record.get("NgayTiepNhan") and record.get("NgayHenTra")
    ):
        return "Hồ sơ đã tiếp nhận phải có NgayTiepNhan và NgayHenTra"
    if status == 10 and not record.get("NgayTra"):
        return "Hồ sơ đã trả kết quả phải có NgayTra"
    return _check_fees(record.get("DanhSachLePhi")) or _check_results(
        status, record.get("DanhSachGiayToKetQua")
    )


def _check_fees(fees: Any) -> str | None:
    if fees is None:
        return None
    if not isinstance(fees, list):
        return "DanhSachLePhi phải là danh sách"
    for fee in fees:
        if not isinstance(fee, dict) or not str(fee.get("TenPhiLePhi", "")).strip():
            return "Lệ phí thiếu TenPhiLePhi"
        price = fee.get("Gia")
        if not isinstance(price, int) or isinstance(price, bool) or price < 0:
            return "Gia của lệ phí phải là số nguyên không âm"
        if fee.get("HinhThucThu") not in (1, 2):
            return "HinhThucThu phải là 1 hoặc 2"
        if fee.get("TrangThaiThanhToan") == 1 and not fee.get("NgayThanhToan"):
            return "Lệ phí đã nộp phải có NgayThanhToan"
        if fee.get("NgayThanhToan"):
            try:
                datetime.strptime(str(fee["NgayThanhToan"]), DATE_FORMAT)
            except ValueError:
                return "NgayThanhToan phải có dạng yyyyMMddHHmmss"
    return None


def _check_results(status: int, results: Any) -> str | None:
    if status in (9, 10) and not results:
        return "Hồ sơ đã có kết quả phải có DanhSachGiayToKetQua"
    if results is None:
        return None
    if not isinstance(results, list):
        return "DanhSachGiayToKetQua phải là danh sách"
    for result in results:
        if not isinstance(result, dict):
            return "DanhSachGiayToKetQua phải là danh sách giấy tờ"
        for key in ("TenGiayTo", "GiayToId"):
            if not str(result.get(key, "")).strip():
                return f"Giấy tờ kết quả thiếu {key}"
        link = str(result.get("DuongDanTepTinKetQua") or "")
        if link and not re.match(r"^https?://[^/\s]+/\S*$", link):
            return "DuongDanTepTinKetQua phải là địa chỉ http(s) đầy đủ"
    return None


PROGRESS_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "PhongBanXuLy", "NoiDungXuLy")


def _check_progress(entry: dict[str, Any]) -> str | None:
    for key in PROGRESS_REQUIRED:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            return f"Thiếu trường {key}"
    status = entry.get("TrangThai")
    if not isinstance(status, int) or isinstance(status, bool) or status not in NEXT_STATUS:
        return "TrangThai phải là số từ 1 đến 10"
    for key in ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"):
        value = entry.get(key) or ""
        if value:
            try:
                datetime.strptime(str(value), DATE_FORMAT)
            except ValueError:
                return f"{key} phải có dạng yyyyMMddHHmmss"
    return None


def _json(start_response: StartResponse, body: dict[str, Any], status: int = 200) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    start_response(
        f"{status} {reason.get(status, 'OK')}",
        [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _html(start_response: StartResponse, page: str) -> list[bytes]:
    data = page.encode()
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


RunningSimulator = ServedSimulator
