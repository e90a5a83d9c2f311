#!/usr/bin/env python3
"""Makes SoftHSM2 tokens that stand in for the committee's USB signing tokens (tests, rehearsals).

    python scripts/softhsm-tokens.py DIR --pin 123456 "Nguyễn Văn An" "Trần Thị Bình" …

In DIR it writes ``softhsm2.conf`` (export SOFTHSM2_CONF=DIR/softhsm2.conf before using the tokens),
one token per person (label ``ky-so-1``, ``ky-so-2``… in the order given) whose RSA key is generated
on the token and never leaves it, a certificate for that key (subject CN = the person's name, key
usage digitalSignature and nonRepudiation) stored on the token beside the key, a test root
certificate ``DIR/root.pem`` that issued them (its key in ``DIR/root-key.pem``: a rehearsal root,
never a real one), and with ``--pkcs12 NAME`` a PKCS#12 file ``DIR/signer-N.p12`` (same PIN as
passphrase) for a signer without a token. It prints a JSON map: name -> token label (or file).

Needs Debian's softhsm2 (scripts/system-packages.sh installs it for the test tier) and the project's
Python environment (python-pkcs11, cryptography).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

LIBRARIES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
KEY_LABEL = "ky-so"
KEY_ID = b"\x01"


def library() -> str:
    for path in LIBRARIES:
        if Path(path).is_file():
            return path
    sys.exit("softhsm2 is not installed (apt-get install softhsm2)")


def name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban kiểm phiếu (thử)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def root(directory: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name("Gốc thử tinnhiem")).issuer_name(name("Gốc thử tinnhiem"))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    (directory / "root.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "root-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert, key


def issue(public: rsa.RSAPublicKey, person: str, ca: tuple[x509.Certificate, rsa.RSAPrivateKey]) -> x509.Certificate:
    ca_cert, ca_key = ca
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(name(person)).issuer_name(ca_cert.subject)
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))


def make_token(label: str, person: str, pin: str, ca: tuple[x509.Certificate, rsa.RSAPrivateKey]) -> None:
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    token = pkcs11.lib(library()).get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        public, _ = session.generate_keypair(KeyType.RSA, 2048, store=True, label=KEY_LABEL, id=KEY_ID)
        numbers = rsa.RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                       int.from_bytes(public[Attribute.MODULUS], "big"))
        cert = issue(numbers.public_key(), person, ca)
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: KEY_LABEL, Attribute.ID: KEY_ID,
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
        })


def make_pkcs12(path: Path, person: str, pin: str, ca: tuple[x509.Certificate, rsa.RSAPrivateKey]) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue(key.public_key(), person, ca)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        person.encode(), key, cert, [ca[0]], serialization.BestAvailableEncryption(pin.encode())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--pin", required=True, help="the user PIN of every token (a rehearsal PIN)")
    parser.add_argument("--pkcs12", action="append", default=[], metavar="NAME", help="also a PKCS#12 file for NAME")
    parser.add_argument("people", nargs="*")
    args = parser.parse_intermixed_args()
    directory: Path = args.directory.resolve()
    (directory / "tokens").mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    import os

    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by softhsm2-util and by the library when it is loaded
    ca = root(directory)
    made: dict[str, str] = {}
    for i, _ in enumerate(args.people, start=1):  # every token first: the library sees the slots it finds when loaded
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", f"ky-so-{i}", "--so-pin", args.pin + "so",
                        "--pin", args.pin], check=True, capture_output=True)
    for i, person in enumerate(args.people, start=1):
        label = f"ky-so-{i}"
        make_token(label, person, args.pin, ca)
        made[person] = label
    for i, person in enumerate(args.pkcs12, start=1):
        path = directory / f"signer-{i}.p12"
        make_pkcs12(path, person, args.pin, ca)
        made[person] = str(path)
    print(json.dumps(made, ensure_ascii=False))


if __name__ == "__main__":
    main()
