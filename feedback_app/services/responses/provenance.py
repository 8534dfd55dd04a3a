"""Where a response came from, as the verifier's plausibility flags need it (domain.plausibility):
the committee account that collected it, an opaque key of the browser, a keyed hash of the client's
address, and the seconds the form was open. None of these says who the household is: the device key
is a random value in a cookie, the address key an HMAC with the app's secret (the address itself is
never stored), and the account is the cadre's, not the resident's."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MAX_SECONDS = 7 * 24 * 3600  # a form open longer than a week: stored as a week
KEY_LENGTH = 32  # responses.device_key / address_key


@dataclass(frozen=True)
class Provenance:
    collector: str | None = None  # the account's username (assisted answers)
    device_key: str | None = None
    address_key: str | None = None
    seconds: int | None = None

    def columns(self) -> dict[str, Any]:
        """The responses columns, bounded to what they hold."""
        values = asdict(self)
        for name in ("device_key", "address_key"):
            if values[name] is not None:
                values[name] = str(values[name])[:KEY_LENGTH]
        if values["collector"] is not None:
            values["collector"] = str(values["collector"])[:64]
        if values["seconds"] is not None:
            values["seconds"] = max(0, min(int(values["seconds"]), MAX_SECONDS))
        return values
