"""Encryption of confidential identities and keyed digests for lookups (Luật Tố cáo 2018 Art. 9.1.b, 47.2, 56).

Keys come from the environment (`FIELD_ENCRYPTION_KEYS`, Fernet keys, newest first: old rows stay readable
after a new key is put in front). Nothing here checks permissions: `services.reveal_identity` does.
"""

import hashlib
import hmac
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from dancoso.core.text import normalize_phone, normalize_text

IDENTITY_FIELDS = ("name", "address", "phone", "email", "id_number", "note")


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty: confidential identities cannot be stored.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_identity(identity: dict) -> bytes:
    clean = {key: normalize_text(str(identity.get(key) or "")) for key in IDENTITY_FIELDS}
    return _cipher().encrypt(json.dumps(clean, ensure_ascii=False).encode())


def decrypt_identity(ciphertext: bytes) -> dict:
    try:
        return json.loads(_cipher().decrypt(bytes(ciphertext)))
    except InvalidToken as exc:
        raise RuntimeError("The identity cannot be decrypted with the configured keys.") from exc


def encrypt_payload(payload: dict) -> bytes:
    """A queued petition's filing (identity included) at rest, with the same keys as identities."""
    return _cipher().encrypt(json.dumps(payload, ensure_ascii=False).encode())


def decrypt_payload(ciphertext: bytes) -> dict:
    try:
        return json.loads(_cipher().decrypt(bytes(ciphertext)))
    except InvalidToken as exc:
        raise RuntimeError("The queued petition cannot be decrypted with the configured keys.") from exc


def rotate(ciphertext: bytes) -> bytes:
    """Re-encrypt with the newest key (for `manage.py rotate_identity_keys`)."""
    try:
        return _cipher().rotate(bytes(ciphertext))
    except InvalidToken as exc:
        raise RuntimeError("The identity cannot be decrypted with the configured keys.") from exc


def _digest(kind: str, value: str) -> str:
    if not value:
        return ""
    key = settings.LOOKUP_DIGEST_KEY.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def phone_digest(phone: str) -> str:
    return _digest("phone", normalize_phone(phone or ""))


def email_digest(email: str) -> str:
    return _digest("email", normalize_text(email or "").lower())


def redacted(value: str) -> str:
    """What staff without the permission see instead of a protected value."""
    return "•••" if value else ""
