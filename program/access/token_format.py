"""Personal access token format: `atl_` + 43 base62 chars (32 random bytes) + 6-char CRC32.

The checksum lets a secret scanner, or our own authentication, recognise a real Atelier
token offline, before any database lookup (the same idea as GitHub's token format).
"""

import hashlib
import re
import secrets
import zlib

PREFIX = "atl_"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BODY_LENGTH = 43  # ceil(256 / log2(62))
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(PREFIX) + BODY_LENGTH + CHECKSUM_LENGTH
DISPLAY_PREFIX_LENGTH = len(PREFIX) + 8
TOKEN_PATTERN = re.compile(rf"^{PREFIX}[0-9A-Za-z]{{{BODY_LENGTH + CHECKSUM_LENGTH}}}$")
# For scanners: finds candidate tokens inside arbitrary text.
TOKEN_SEARCH_PATTERN = re.compile(rf"\b{PREFIX}[0-9A-Za-z]{{{BODY_LENGTH + CHECKSUM_LENGTH}}}\b")


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(ALPHABET[remainder])
    encoded = "".join(reversed(digits)) or "0"
    if len(encoded) > width:
        raise ValueError("number does not fit the width")
    return encoded.rjust(width, "0")


def checksum(body: str) -> str:
    return base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def generate() -> str:
    body = base62(int.from_bytes(secrets.token_bytes(32), "big"), BODY_LENGTH)
    return f"{PREFIX}{body}{checksum(body)}"


def is_well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))


def has_valid_checksum(token: str) -> bool:
    body = token[len(PREFIX) : len(PREFIX) + BODY_LENGTH]
    return secrets.compare_digest(token[-CHECKSUM_LENGTH:], checksum(body))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def display_prefix(token: str) -> str:
    return token[:DISPLAY_PREFIX_LENGTH]
