"""A LocalServer that speaks TLS on 127.0.0.1 with a certificate no client trusts: self-signed, or expired.

The certificate is made here with `cryptography` (a dependency of Prefect's, locked in uv.lock),
for 127.0.0.1 (an IP SAN) and `secure.example`, so the only thing a client can refuse is the
certificate itself; a client that trusts `cert_path` accepts it.
"""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.localserver import LocalServer

CERTIFIED_NAME = "secure.example"  # the certificate's other name: resolve it to 127.0.0.1 through the fetcher


def write_certificate(folder: Path, *, expired: bool) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and CERTIFIED_NAME, and its key; `expired`: valid until yesterday."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    start, end = (now - timedelta(days=30), now - timedelta(days=1)) if expired else (now - timedelta(days=1),
                                                                                      now + timedelta(days=30))
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                               x509.DNSName(CERTIFIED_NAME)]), critical=False)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TlsServer(LocalServer):
    """LocalServer's routes over TLS; `base_url` is https://127.0.0.1:<port>."""

    def __init__(self, folder: Path, *, expired: bool = False) -> None:
        super().__init__("127.0.0.1")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.cert_path, key_path = write_certificate(folder, expired=expired)
        context.load_cert_chain(self.cert_path, key_path)
        # the handshake happens in the handler's thread, so a client that refuses it blocks no one
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                 do_handshake_on_connect=False)

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}"
