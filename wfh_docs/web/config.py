"""What `wfhdoc web` is started with, checked before anything listens."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from wfh_docs.errors import WfhDocError
from wfh_docs.i18n import _

DEFAULT_PORT = 8750
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str | None = None  # a password for the office network; None: loopback only
    register: Path | None = None  # the register of outgoing numbers, when the agency keeps one
    pkcs12: Path | None = None  # the signing key, with its passphrase
    passphrase: bytes | None = None
    max_file_bytes: int = 20 << 20  # one uploaded file
    max_files: int = 20  # files in one upload
    max_body_bytes: int = 64 << 20  # one request
    job_lifetime: float = 3600.0  # seconds a finished batch's results are kept for download

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check(config: WebConfig) -> None:
    """Refuse a configuration that would open the app to others without a password."""
    if not config.loopback and not config.token:
        raise WfhDocError(
            _(
                "--host {host} lets other computers reach the app: give it a password with "
                "WFHDOC_WEB_TOKEN=... (or --token), or leave --host out to listen on this computer only"
            ).format(host=config.host)
        )
    if config.token is not None and len(config.token) < 8:
        raise WfhDocError(_("the password (--token, WFHDOC_WEB_TOKEN) must have at least 8 characters"))
    if config.pkcs12 is not None and not config.pkcs12.is_file():
        raise WfhDocError(_("{path}: the key file (--pkcs12) was not found").format(path=config.pkcs12))
