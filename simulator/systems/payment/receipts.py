"""The bill of a paid fee: the printed lines of a treasury receipt and its PDF.

A paid transaction gets a treasury receipt (chứng từ nộp ngân sách nhà nước, `store.receipt`);
`GET /payment/receipts/{SoBienLai}` answers it as JSON (schemas.TreasuryReceipt) and GET_BILL
as the printed bill (biên lai thu phí, lệ phí), rendered by `receipt_pdf`.
"""

from __future__ import annotations

from simulator.systems.payment import receipt_pdf
from simulator.wire_formats import to_portal

BILL_TITLE = "BIÊN LAI THU PHÍ, LỆ PHÍ"


def vnd(amount: int) -> str:
    """An amount as Vietnamese print writes it: thousands separated by dots (1.250.000)."""
    return f"{amount:,}".replace(",", ".")


def bill_lines(rec: dict) -> list[str]:
    """The printed lines of a receipt's bill: who paid what for which dossier, fee by fee."""
    lines = [
        f"Số biên lai: {rec['number']}",
        f"Mã giao dịch: {rec['transaction_id']}   Mã tham chiếu: {rec['reference']}",
        f"Kho bạc: {rec['treasury']}",
        f"Tài khoản thu NSNN: {rec['account']}",
        f"Mã hồ sơ: {rec['dossier']}   Mã TTHC: {rec['procedure']}",
        f"Người nộp: {rec['payer_name']} {rec['payer_id']}".rstrip(),
        f"Nội dung: {rec['description']}",
        f"Ngày nộp: {to_portal(rec['paid_at'])}",
    ]
    lines += [f"  - {f['TenPhiLePhi']}: {vnd(f['SoTien'])} VND" for f in rec["fees"]]
    lines.append(f"Tổng số tiền: {vnd(rec['amount'])} VND")
    return lines


def bill_pdf(rec: dict) -> bytes:
    """The receipt's bill as a PDF document."""
    return receipt_pdf.render(BILL_TITLE, bill_lines(rec))
