"""The systems the dashboard draws: the portal, the NGSP gateway and the ministry systems.

Names match the fault engine's system names (`match.system` in rules, `system` in the
journal) so health can be read from both. The list is fixed rather than read from
`gateway.registry.SYSTEM_PREFIXES` because the map must show a system even before (or
without) its module being mounted: a trainer can still take it down with a rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class MapSystem:
    """One box of the map: fault-engine name, labels in Vietnamese and English, its sector."""

    name: str
    label_vi: str
    label_en: str
    sector_vi: str
    sector_en: str

    def as_dict(self) -> dict:
        """The system as the state endpoint lists it."""
        return asdict(self)


SYSTEMS: tuple[MapSystem, ...] = (
    MapSystem("portal", "Cổng DVC quốc gia", "National portal", "Văn phòng Chính phủ", "Government Office"),
    MapSystem("gateway", "Nền tảng NGSP", "NGSP gateway", "Trục liên thông quốc gia", "National integration platform"),
    MapSystem("population", "CSDL quốc gia về dân cư", "Population database", "Công an", "Police"),
    MapSystem("civil_status", "Hộ tịch", "Civil status", "Tư pháp", "Justice"),
    MapSystem("judicial_record", "Lý lịch tư pháp", "Judicial record", "Tư pháp", "Justice"),
    MapSystem(
        "business_registration", "Đăng ký doanh nghiệp", "Business registration", "Tài chính", "Finance"
    ),
    MapSystem("social_insurance", "Bảo hiểm xã hội", "Social insurance", "BHXH Việt Nam", "Social security"),
    MapSystem("environment", "Môi trường", "Environment", "Nông nghiệp và Môi trường", "Agriculture & environment"),
    MapSystem("payment", "Thanh toán, kho bạc", "Payment & treasury", "Kho bạc Nhà nước", "State treasury"),
)

SYSTEM_NAMES: tuple[str, ...] = tuple(s.name for s in SYSTEMS)
