"""The Precursor loader slot's signature page (issue 15; PRECURSOR.md, "Boot and images").

The boot ROM checks the loader slot (flash offset 0x50_0000) before it jumps to its code at
0x2050_1000. The slot is what Xous's signing tool writes for a loader image (its "version 1"
format, tools/src/sign_image.rs in betrusted-io/xous-core; facts only):

  page (4096 bytes):  u32 version = 1 | u32 signed length | 64-byte Ed25519 signature |
                      32-byte public key | zeros
  then the signed bytes: code | minimum semver (16) | semver (16) | u32 version = 1 |
                      u32 length of everything before this word

Plain Ed25519 (not the pre-hashed variant, which is version 2) over the signed bytes; all words
little-endian. A semver is 16 bytes: major, minor, revision, extra (u16 each), commit (u32),
has-commit flag (u32). The page holds no jump: the ROM enters the code after the page.

Keys: a PEM PKCS#8 Ed25519 private key (the format of Xous's devkey/dev.key) or a raw 32-byte
seed. Signing uses Debian's python3-cryptography.
"""
import struct

PAGE_BYTES = 4096
VERSION_LOADER = 1
SLOT_OFFSET = 0x50_0000          # in flash
FLASH_BASE = 0x2000_0000
CODE_ADDRESS = FLASH_BASE + SLOT_OFFSET + PAGE_BYTES  # 0x2050_1000
SIG_BYTES = 64
KEY_BYTES = 32
TRAILER_BYTES = 16 + 16 + 4 + 4


class SignError(Exception):
    pass


def semver(major, minor, rev, extra=0, commit=None):
    return struct.pack("<HHHHII", major, minor, rev, extra, commit or 0,
                       1 if commit is not None else 0)


def signed_bytes(code, version=b"\0" * 16, minimum=b"\0" * 16):
    """The code with the trailer the signature covers."""
    if len(version) != 16 or len(minimum) != 16:
        raise SignError("a semver is 16 bytes")
    body = bytes(code) + minimum + version + struct.pack("<I", VERSION_LOADER)
    return body + struct.pack("<I", len(body))


def load_key(path):
    """An Ed25519 private key from `path`: PEM PKCS#8 or a raw 32-byte seed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SignError(f"{path}: cannot read the key: {e.strerror}") from None
    if len(data) == KEY_BYTES:
        return ed25519.Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise SignError(f"{path}: not a PEM PKCS#8 Ed25519 key or a 32-byte seed ({e})") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise SignError(f"{path}: the key is not Ed25519")
    return key


def public_bytes(key):
    from cryptography.hazmat.primitives import serialization
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def sign(code, key, version=b"\0" * 16, minimum=b"\0" * 16):
    """The whole slot image: the signature page, then the signed bytes."""
    body = signed_bytes(code, version, minimum)
    sig = key.sign(body)
    page = struct.pack("<II", VERSION_LOADER, len(body)) + sig + public_bytes(key)
    page += b"\0" * (PAGE_BYTES - len(page))
    return page + body


def parse(image):
    """(version, signed length, signature, public key, signed bytes) of a slot image; raises
    SignError when the layout is wrong."""
    if len(image) < PAGE_BYTES + TRAILER_BYTES:
        raise SignError(f"{len(image)} bytes: shorter than a signature page and a trailer")
    version, length = struct.unpack_from("<II", image, 0)
    sig = image[8:8 + SIG_BYTES]
    pub = image[8 + SIG_BYTES:8 + SIG_BYTES + KEY_BYTES]
    if version != VERSION_LOADER:
        raise SignError(f"signature page version {version}, expected {VERSION_LOADER}")
    if any(image[8 + SIG_BYTES + KEY_BYTES:PAGE_BYTES]):
        raise SignError("the signature page's padding is not zero")
    body = image[PAGE_BYTES:PAGE_BYTES + length]
    if length != len(image) - PAGE_BYTES or len(body) != length:
        raise SignError(f"signed length {length} does not match the {len(image) - PAGE_BYTES} "
                        "bytes after the page")
    tail_version, tail_length = struct.unpack_from("<II", body, len(body) - 8)
    if tail_version != VERSION_LOADER or tail_length != len(body) - 4:
        raise SignError("the trailer's version or length is wrong")
    return version, length, sig, pub, body


def verify(image, public_key=None):
    """The code of a slot image whose signature verifies (with `public_key`, 32 bytes, or the
    key in the page); raises SignError otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ed25519
    _, _, sig, pub, body = parse(image)
    key = ed25519.Ed25519PublicKey.from_public_bytes(public_key or pub)
    try:
        key.verify(sig, body)
    except InvalidSignature:
        raise SignError("the signature does not verify") from None
    return body[:-TRAILER_BYTES]
