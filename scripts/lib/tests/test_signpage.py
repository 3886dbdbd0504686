"""Tests of scripts/lib/signpage.py: the loader slot's signature page field by field, the
signature verifies, any flipped byte of the code or trailer breaks it, a wrong key fails, and
bad key files are named."""
import os
import struct
import tempfile
import unittest

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import signpage  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

SEED = bytes(range(32))


class SignPage(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.key = ed25519.Ed25519PrivateKey.from_private_bytes(SEED)
        self.code = bytes((i * 7) & 0xff for i in range(5000))
        self.version = signpage.semver(0, 1, 0)
        self.image = signpage.sign(self.code, self.key, self.version)

    def test_layout_field_by_field(self):
        img = self.image
        body_len = len(self.code) + 40
        self.assertEqual(struct.unpack_from("<I", img, 0)[0], 1)
        self.assertEqual(struct.unpack_from("<I", img, 4)[0], body_len)
        self.assertEqual(img[72:104], signpage.public_bytes(self.key))
        self.assertEqual(img[104:4096], b"\0" * (4096 - 104))
        self.assertEqual(img[4096:4096 + len(self.code)], self.code)
        tail = img[4096 + len(self.code):]
        self.assertEqual(tail[:16], b"\0" * 16)           # minimum semver
        self.assertEqual(tail[16:32], self.version)       # semver
        self.assertEqual(struct.unpack("<II", tail[32:40]), (1, len(self.code) + 36))
        self.assertEqual(len(img), 4096 + body_len)
        self.assertEqual(signpage.CODE_ADDRESS, 0x2050_1000)

    def test_semver_layout(self):
        self.assertEqual(signpage.semver(1, 2, 3, 4, 0xabcd),
                         struct.pack("<HHHHII", 1, 2, 3, 4, 0xabcd, 1))
        self.assertEqual(signpage.semver(1, 2, 3)[8:], b"\0" * 8)

    def test_signature_verifies(self):
        self.assertEqual(signpage.verify(self.image), self.code)
        self.assertEqual(signpage.verify(self.image, signpage.public_bytes(self.key)), self.code)
        # Plain Ed25519 over the signed bytes, as the ROM checks it.
        self.key.public_key().verify(self.image[8:72], self.image[4096:])

    def test_any_flipped_byte_of_code_or_trailer_fails(self):
        for at in (4096, 4096 + 1234, 4096 + len(self.code) - 1, 4096 + len(self.code) + 20,
                   len(self.image) - 5):
            bad = bytearray(self.image)
            bad[at] ^= 0x01
            with self.assertRaises(signpage.SignError, msg=f"byte {at}"):
                signpage.verify(bytes(bad))

    def test_a_wrong_key_fails(self):
        other = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32))
        with self.assertRaises(signpage.SignError):
            signpage.verify(self.image, signpage.public_bytes(other))
        swapped = bytearray(self.image)
        swapped[72:104] = signpage.public_bytes(other)
        with self.assertRaises(signpage.SignError):
            signpage.verify(bytes(swapped))

    def test_damaged_pages_are_refused(self):
        for change in ((0, b"\x02"), (4, b"\xff"), (200, b"\x01")):
            bad = bytearray(self.image)
            bad[change[0]:change[0] + 1] = change[1]
            with self.assertRaises(signpage.SignError):
                signpage.parse(bytes(bad))
        with self.assertRaises(signpage.SignError):
            signpage.parse(self.image[:100])

    def test_keys_from_files(self):
        from cryptography.hazmat.primitives import serialization
        raw = os.path.join(self.tmp.name, "seed.bin")
        with open(raw, "wb") as f:
            f.write(SEED)
        pem = os.path.join(self.tmp.name, "dev.key")
        with open(pem, "wb") as f:
            f.write(self.key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        for path in (raw, pem):
            self.assertEqual(signpage.public_bytes(signpage.load_key(path)),
                             signpage.public_bytes(self.key))
        junk = os.path.join(self.tmp.name, "junk.key")
        with open(junk, "wb") as f:
            f.write(b"not a key")
        with self.assertRaises(signpage.SignError) as e:
            signpage.load_key(junk)
        self.assertIn("junk.key", str(e.exception))
        with self.assertRaises(signpage.SignError) as e:
            signpage.load_key(os.path.join(self.tmp.name, "missing.key"))
        self.assertIn("missing.key", str(e.exception))


if __name__ == "__main__":
    unittest.main()
