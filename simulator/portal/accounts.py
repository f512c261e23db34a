"""Portal accounts (TechID): what `TraCuuTechID` answers for a citizen ID or an enterprise tax code.

OpenCPS (`DVCQGIntegrationActionImpl.doCreateDossierFromDVCQG`, master and release-candidate-3.0)
sends `{service: "TraCuuTechID", provider: "wso2is", mstorcmnd: <MaSoThue>}` and reads
`result[0].TECHNICALID`, the applicant's account id on the portal's identity server, to link
a dossier pushed down by the portal to a local applicant. Every valid identifier has an
account, derived from (seed, identifier), except the persona whose outcome is `not_found`.
The account id is the value online dossiers carry as `MaDoiTuong`.
"""

from __future__ import annotations

import hashlib

from simulator.identity import InvalidIdentifier, persona_outcome
from simulator.identity.rules import check_citizen_id, check_old_id_9, check_tax_code


def tech_id(seed: int, identifier: str) -> str:
    """The account id of an identifier: a UUID-shaped hash of (seed, identifier)."""
    digest = hashlib.sha256(f"{seed}:techid:{identifier}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def account_of(seed: int, number: str) -> dict | None:
    """`{TECHNICALID, LOAIDOITUONG}` for a 12-digit ID, 9-digit old ID or tax code; None if it has none.

    Raises InvalidIdentifier for a malformed number (the message names the rule broken).
    """
    number = number.strip()
    digits = number.replace("-", "")
    if len(digits) == 12 and "-" not in number:
        check_citizen_id(number)
        kind = "1"
    elif len(digits) == 9 and "-" not in number:
        check_old_id_9(number)
        kind = "1"
    elif len(digits) in (10, 13):
        check_tax_code(number)
        kind = "2"
    else:
        raise InvalidIdentifier("mstorcmnd", "length", f"mstorcmnd {number!r}: cần số định danh 12 số, CMND 9 số hoặc mã số thuế 10/13 số")
    if persona_outcome(number) == "not_found":
        return None
    return {"TECHNICALID": tech_id(seed, number), "LOAIDOITUONG": kind}
