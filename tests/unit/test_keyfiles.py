"""A member's secrets at rest (passphrase file) and in transit (sealed shares)."""

from dataclasses import replace

import pytest

from tinnhiem.domain.errors import InvalidInput
from tinnhiem.services import keyfiles


def test_member_file_round_trips_with_the_passphrase() -> None:
    """Locked with a passphrase, opened with it: the same device key and share."""
    secrets = replace(keyfiles.new_member("r1", 2), share=12345)
    data = keyfiles.lock(secrets, "mật khẩu dài của tôi", strength="interactive")
    assert secrets == keyfiles.unlock(data, "mật khẩu dài của tôi")
    assert b"12345" not in data and secrets.device_key.hex().encode() not in data


def test_wrong_passphrase_or_altered_file_is_refused() -> None:
    """Nothing is half-read: a wrong passphrase, or one changed byte, gives one clear error."""
    data = keyfiles.lock(keyfiles.new_member("r1", 1), "đúng", strength="interactive")
    with pytest.raises(InvalidInput) as caught:
        keyfiles.unlock(data, "sai")
    assert "wrong-passphrase" == caught.value.code
    altered = data.replace(b'"box": "', b'"box": "00', 1)
    with pytest.raises(InvalidInput):
        keyfiles.unlock(altered, "đúng")


def test_a_sealed_share_opens_only_for_its_recipient() -> None:
    """The server relaying shares cannot read them; another member cannot open them."""
    alice, bob = keyfiles.new_member("r1", 1), keyfiles.new_member("r1", 2)
    sealed = keyfiles.seal_share(987654321, bob.device_public)
    assert 987654321 == keyfiles.open_share(sealed, bob)
    with pytest.raises(InvalidInput):
        keyfiles.open_share(sealed, alice)
