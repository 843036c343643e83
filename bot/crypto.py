"""Encryption at rest for free text (company, role, notes, replies, wins, conversation state).

With ``REBOUND_ENCRYPTION_KEYS`` set, values are stored as ``enc:1:<Fernet token>``; the first
key encrypts, every key decrypts (MultiFernet), so keys can be rotated: add a new key first,
run ``rebound rotate-keys``, then drop the old one. Without keys values are stored as they
are, and /privacy says so. Reading always works for both forms.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc:1:"


class CryptoError(Exception):
    """A stored value cannot be decrypted with the configured keys."""


class FieldCipher:
    def __init__(self, keys: list[str]) -> None:
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys]) if keys else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def encrypt(self, value: str) -> str:
        if self._fernet is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, value: str) -> str:
        if not value.startswith(PREFIX):
            return value
        if self._fernet is None:
            raise CryptoError("encrypted data found but REBOUND_ENCRYPTION_KEYS is not set")
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise CryptoError("no configured key decrypts this value") from None

    def rotate(self, value: str) -> str:
        """Re-encrypt with the first key (after adding a new key in front)."""
        if self._fernet is None or not value.startswith(PREFIX):
            return self.encrypt(value)
        token = self._fernet.rotate(value[len(PREFIX) :].encode("ascii"))
        return PREFIX + token.decode("ascii")


_cipher = FieldCipher([])


def configure(keys: list[str]) -> None:
    """Set the process-wide keys (done once by build_application and the CLI)."""
    global _cipher
    _cipher = FieldCipher(keys)


def cipher() -> FieldCipher:
    return _cipher


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
