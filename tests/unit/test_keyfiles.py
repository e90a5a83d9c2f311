"""A member's secrets at rest (passphrase file) and in transit (sealed shares)."""

import base64
import contextlib
import json
from dataclasses import replace

import pytest

from tinnhiem.crypto.group import encode_scalar, random_scalar
from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import keyfiles


def encodings(secret: bytes) -> list[bytes]:
    """The ways a secret could sit in a file: raw, hex (both cases), base64 (both alphabets), decimal."""
    return [secret, secret.hex().encode(), secret.hex().upper().encode(), base64.b64encode(secret),
            base64.urlsafe_b64encode(secret), base64.b64encode(secret).rstrip(b"="),
            str(int.from_bytes(secret, "little")).encode(), str(int.from_bytes(secret, "big")).encode()]


def decoded_fields(data: bytes) -> list[bytes]:
    """The file, and every field of it decoded from hex or base64 where it decodes."""
    found = [data]
    for value in json.loads(data).values():
        text = str(value)
        found.append(text.encode())
        for decode in (bytes.fromhex, base64.b64decode):
            with contextlib.suppress(ValueError):  # not that encoding
                found.append(decode(text))
    return found


def test_member_file_round_trips_with_the_passphrase() -> None:
    """Locked with a passphrase, opened with it: the same device key and share; a wrong passphrase opens nothing."""
    share = random_scalar()
    secrets = replace(keyfiles.new_member("r1", 2), share=share)
    data = keyfiles.lock(secrets, "mật khẩu dài của tôi", strength="interactive")
    assert secrets == keyfiles.unlock(data, "mật khẩu dài của tôi")
    with pytest.raises(InvalidInput) as caught:
        keyfiles.unlock(data, "mật khẩu dài của tôj")
    assert ("wrong-passphrase", "passphrase") == (caught.value.code, caught.value.field)


def test_member_file_holds_no_secret_in_any_encoding() -> None:
    """Neither the share nor the device key is in the file or in any decoded field, raw, hex, base64 or decimal."""
    share = random_scalar()
    secrets = replace(keyfiles.new_member("r1", 2), share=share)
    data = keyfiles.lock(secrets, "mật khẩu dài của tôi", strength="interactive")
    forms = encodings(encode_scalar(share)) + [str(share).encode()] + encodings(secrets.device_key)
    leaks = [form for form in forms for field in decoded_fields(data) if form in field]
    assert [] == leaks
    assert {"format", "kdf", "opslimit", "memlimit", "salt", "box"} == set(json.loads(data))


def test_wrong_passphrase_or_altered_file_is_refused() -> None:
    """Nothing is half-read: a wrong passphrase, or one changed byte, gives one clear error."""
    data = keyfiles.lock(keyfiles.new_member("r1", 1), "đúng", strength="interactive")
    with pytest.raises(InvalidInput) as caught:
        keyfiles.unlock(data, "sai")
    assert "wrong-passphrase" == caught.value.code
    altered = data.replace(b'"box": "', b'"box": "00', 1)
    with pytest.raises(InvalidInput) as caught:
        keyfiles.unlock(altered, "đúng")
    assert "wrong-passphrase" == caught.value.code


def test_a_sealed_share_opens_only_for_its_recipient() -> None:
    """The server relaying shares cannot read them; another member cannot open them."""
    alice, bob = keyfiles.new_member("r1", 1), keyfiles.new_member("r1", 2)
    sealed = keyfiles.seal_share(987654321, bob.device_public)
    assert 987654321 == keyfiles.open_share(sealed, bob)
    with pytest.raises(InvalidInput) as caught:
        keyfiles.open_share(sealed, alice)
    assert "sealed-share" == caught.value.code
