"""Tests of scripts/deploy (scripts/lib/deploy.py) on a synthetic betrusted build tree: the three
files and the manifest against them, the signature page field by field, every flipped byte of
the signed bytes caught, a wrong key, the bad inputs (key file missing or malformed, unknown
configuration, an image larger than the slot, a tampered deployment, a tree of another
platform) each named and leaving nothing that looks complete, and --flash handing a fake
updater on PATH exactly `-l IMAGE`."""
import contextlib
import hashlib
import io
import json
import os
import stat
import struct
import subprocess
import sys
import tempfile
import unittest

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import deploy  # noqa: E402
import elf_fixtures  # noqa: E402
import signpage  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

SEED = bytes(range(1, 33))
DEPLOY_PY = os.path.join(deploy.ROOT, "scripts", "lib", "deploy.py")


class Deploy(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.build = os.path.join(self.tmp.name, "build")
        self.elf, self.payload = elf_fixtures.build_tree(self.build)
        self.out = os.path.join(self.tmp.name, "deploy")
        self.key = os.path.join(self.tmp.name, "seed.key")
        with open(self.key, "wb") as f:
            f.write(SEED)

    def main(self, *args, env=None):
        """Runs deploy.py as scripts/deploy does (its own process: PATH and exit status)."""
        r = subprocess.run([sys.executable, DEPLOY_PY, "--build", self.build, *args],
                           capture_output=True, text=True, env=env)
        self.stdout, self.stderr = r.stdout, r.stderr
        return r.returncode

    def deploy(self, **kw):
        args = dict(config="betrusted", image_name="demo_betrusted", out_dir=self.out,
                    key_path=self.key, build_dir=self.build)
        args.update(kw)
        return deploy.deploy(**args)

    def files(self):
        return sorted(f for f in os.listdir(self.out)) if os.path.isdir(self.out) else []

    def read(self, name):
        with open(os.path.join(self.out, name), "rb") as f:
            return f.read()

    # ---- what is written ----------------------------------------------------------------

    def test_writes_the_three_files_and_the_manifest_matches_them(self):
        manifest, warning = self.deploy()
        self.assertIsNone(warning)
        self.assertEqual(self.files(), ["image.bin", "manifest.json", "payload.bin"])
        self.assertEqual(json.loads(self.read("manifest.json")), manifest)
        for name in ("image.bin", "payload.bin"):
            data = self.read(name)
            self.assertEqual(manifest["files"][name],
                             {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        self.assertEqual(self.read("payload.bin"), self.payload)
        self.assertEqual(manifest["configuration"], "betrusted")
        self.assertEqual(manifest["platform"], "betrusted")
        self.assertEqual(manifest["ipc_paths"], ["sync", "lend"])
        self.assertEqual(manifest["kernel_sections"],
                         {".loader": 512, ".text": 4000, ".rodata": 2000, ".bss": 8192,
                          ".boot_archive": manifest["boot_archive"]["bytes"]})
        procs = manifest["boot_archive"]["processes"]
        self.assertEqual([p["name"] for p in procs], ["app", "log"])
        self.assertEqual(procs[0]["irq_lines"], [3])
        self.assertEqual((procs[1]["priority"], procs[1]["ceiling"]), (2, 2))
        self.assertEqual(manifest["boot_archive"]["reserved_sids"],
                         [{"sid": "text:courier.log", "process": "log"}])
        self.assertNotIn("seed", json.dumps(manifest["boot_archive"]))
        self.assertEqual(manifest["flash"]["offset"], "0x500000")
        self.assertEqual(manifest["flash"]["code_address"], "0x20501000")
        self.assertEqual(manifest["flash"]["slot_bytes"], 0x30000)
        self.assertEqual(manifest["flash"]["free_bytes"],
                         0x30000 - manifest["files"]["image.bin"]["bytes"])
        pub = ed25519.Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.assertEqual(manifest["signature"]["public_key"], pub.hex())
        self.assertEqual(manifest["build_flags"]["CXX_flags"], "-march=rv32ima")
        self.assertIn("usb_update.py -l " + os.path.join(self.out, "image.bin"),
                      manifest["flash_command"])
        self.assertEqual(deploy.verify_deployment(self.out), manifest)

    def test_the_signature_page_field_by_field(self):
        manifest, _ = self.deploy()
        img = self.read("image.bin")
        body = self.payload + b"\0" * 16 + img[4096 + len(self.payload) + 16:
                                               4096 + len(self.payload) + 32]
        body += struct.pack("<I", 1)
        body += struct.pack("<I", len(body))
        self.assertEqual(struct.unpack_from("<II", img, 0), (1, len(body)))
        pub = bytes.fromhex(manifest["signature"]["public_key"])
        self.assertEqual(img[72:104], pub)
        self.assertEqual(img[104:4096], bytes(4096 - 104))
        self.assertEqual(img[4096:], body)
        version, commit = img[4096 + len(self.payload) + 16:4096 + len(self.payload) + 32], \
            manifest["semver"]["commit"]
        major, minor, rev, extra, c, has = struct.unpack("<HHHHII", version)
        self.assertEqual(f"{major}.{minor}.{rev}", manifest["semver"]["version"])
        if commit is not None:
            self.assertEqual((c, has), (int(commit, 16), 1))
        # Plain Ed25519 over the signed bytes.
        ed25519.Ed25519PublicKey.from_public_bytes(pub).verify(img[8:72], img[4096:])

    def test_any_flipped_byte_of_the_signed_bytes_fails(self):
        self.deploy()
        img = self.read("image.bin")
        pub = signpage.public_bytes(signpage.load_key(self.key))
        for at in range(4096, len(img), 7):
            bad = bytearray(img)
            bad[at] ^= 0x80
            with self.assertRaises(signpage.SignError, msg=f"byte {at}"):
                signpage.verify(bytes(bad), pub)

    def test_a_wrong_key_fails(self):
        self.deploy()
        other = signpage.public_bytes(ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32)))
        with self.assertRaises(signpage.SignError):
            signpage.verify(self.read("image.bin"), other)

    def test_a_pem_key_as_xous_writes_it(self):
        pem = os.path.join(self.tmp.name, "dev.key")
        with open(pem, "wb") as f:
            f.write(ed25519.Ed25519PrivateKey.from_private_bytes(SEED).private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
        a, _ = self.deploy(key_path=pem)
        b, _ = self.deploy(key_path=self.key)
        self.assertEqual(a["signature"]["public_key"], b["signature"]["public_key"])

    def test_without_a_key_one_is_made_kept_and_warned_about(self):
        m1, warning = self.deploy(key_path=None)
        self.assertIn("KEYROM", warning)
        self.assertIn("made a fresh signing key", warning)
        key = os.path.join(self.out, "signing.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertEqual(len(self.read("signing.key")), 32)
        m2, warning = self.deploy(key_path=None)
        self.assertIn("made earlier", warning)
        self.assertEqual(m1["signature"]["public_key"], m2["signature"]["public_key"])
        self.assertEqual(self.main("--out", self.out), 0, self.stderr)
        self.assertIn("warning: no --key given", self.stderr)
        self.assertIn("usb_update.py -l", self.stdout)

    # ---- bad input ------------------------------------------------------------------------

    def assert_fails(self, text, *args, files=()):
        self.assertEqual(self.main(*args), 1, self.stdout + self.stderr)
        self.assertIn(text, self.stderr)
        self.assertEqual(self.files(), list(files))

    def test_a_missing_key_file_is_named(self):
        self.assert_fails("/nonexistent.key: cannot read the key", "--out", self.out,
                          "--key", "/nonexistent.key")

    def test_a_malformed_key_file_is_named(self):
        bad = os.path.join(self.tmp.name, "bad.key")
        with open(bad, "wb") as f:
            f.write(b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
        self.assert_fails(f"{bad}: not a PEM PKCS#8 Ed25519 key or a 32-byte seed", "--out",
                          self.out, "--key", bad)
        with open(bad, "wb") as f:
            f.write(bytes(31))
        self.assert_fails(f"{bad}: not a PEM PKCS#8", "--out", self.out, "--key", bad)

    def test_an_unknown_configuration(self):
        self.assert_fails("unknown configuration 'fast' (known: full, minimal, betrusted)",
                          "--out", self.out, "--config", "fast", "--key", self.key)

    def test_a_tree_of_another_configuration_or_platform(self):
        self.assert_fails("holds configuration 'betrusted', not 'full'", "--out", self.out,
                          "--config", "full", "--key", self.key)
        elf_fixtures.build_tree(self.build, platform="qemu-virt")
        self.assert_fails("built for the qemu-virt platform", "--out", self.out, "--key",
                          self.key)

    def test_an_unknown_image_lists_the_images(self):
        self.assert_fails("no image 'nope' in", "--out", self.out, "--image", "nope", "--key",
                          self.key)
        self.assertIn("demo_betrusted", self.stderr)

    def test_an_image_not_linked_for_the_slot(self):
        elf_fixtures.build_tree(self.build, entry=0x8000_0000)
        self.assert_fails("not the loader slot's code address", "--out", self.out, "--key",
                          self.key)

    def test_an_image_larger_than_the_slot_leaves_the_old_deployment_whole(self):
        self.assertEqual(self.main("--out", self.out, "--key", self.key), 0, self.stderr)
        before = {f: self.read(f) for f in self.files()}
        elf_fixtures.build_tree(self.build, kernel_bytes=0x30000)
        self.assert_fails("larger than the loader slot's 196608", "--out", self.out, "--key",
                          self.key, files=sorted(before))
        self.assertEqual({f: self.read(f) for f in self.files()}, before)
        deploy.verify_deployment(self.out)
        # Into a fresh folder: nothing at all.
        fresh = os.path.join(self.tmp.name, "fresh")
        self.assertEqual(self.main("--out", fresh, "--key", self.key), 1)
        self.assertFalse(os.path.exists(fresh) and os.listdir(fresh))

    def test_a_tampered_deployment_is_named(self):
        self.deploy()
        img = bytearray(self.read("image.bin"))
        img[5000] ^= 1
        with open(os.path.join(self.out, "image.bin"), "wb") as f:
            f.write(img)
        self.assertEqual(self.main("--verify", self.out), 1)
        self.assertIn(os.path.join(self.out, "image.bin") + ": size or SHA-256 differs",
                      self.stderr)
        # A re-signed image whose manifest was edited to match still fails the signature.
        m = json.loads(self.read("manifest.json"))
        m["files"]["image.bin"]["sha256"] = hashlib.sha256(img).hexdigest()
        with open(os.path.join(self.out, "manifest.json"), "w") as f:
            json.dump(m, f)
        self.assertEqual(self.main("--verify", self.out), 1)
        self.assertIn("the signature does not verify with the manifest's key", self.stderr)

    def test_a_folder_without_a_manifest_is_not_a_deployment(self):
        os.makedirs(self.out)
        self.assertEqual(self.main("--verify", self.out), 1)
        self.assertIn("manifest.json: missing", self.stderr)

    # ---- --flash --------------------------------------------------------------------------

    def fake_updater(self, status=0):
        bindir = os.path.join(self.tmp.name, "bin")
        os.makedirs(bindir, exist_ok=True)
        log = os.path.join(self.tmp.name, "updater-args.json")
        path = os.path.join(bindir, "usb_update.py")
        with open(path, "w") as f:
            f.write(f"#!{sys.executable}\nimport json, sys\n"
                    f"json.dump(sys.argv[1:], open({log!r}, 'w'))\nsys.exit({status})\n")
        os.chmod(path, 0o755)
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
        return env, log

    def test_flash_runs_the_updater_on_path_with_exactly_dash_l_and_the_image(self):
        env, log = self.fake_updater()
        self.assertEqual(self.main("--out", self.out, "--key", self.key, "--flash", env=env), 0,
                         self.stderr)
        with open(log) as f:
            self.assertEqual(json.load(f), ["-l", os.path.join(os.path.abspath(self.out),
                                                               "image.bin")])

    def test_flash_with_a_failing_updater_says_so(self):
        env, _ = self.fake_updater(status=3)
        self.assertEqual(self.main("--out", self.out, "--key", self.key, "--flash", env=env), 1)
        self.assertIn("failed (status 3)", self.stderr)

    def test_flash_without_an_updater_says_what_is_missing_and_writes_nothing(self):
        env = dict(os.environ, PATH="/usr/bin:/bin")
        self.assertEqual(self.main("--out", self.out, "--key", self.key, "--flash", env=env), 1)
        self.assertIn("usb_update.py is not on PATH", self.stderr)
        self.assertIn("betrusted-io/xous-core", self.stderr)
        self.assertEqual(self.files(), [])
        self.assertEqual(self.main("--out", self.out, "--key", self.key, "--flash",
                                   "--updater", "/no/usb_update.py", env=env), 1)
        self.assertIn("--updater /no/usb_update.py: no such file", self.stderr)


if __name__ == "__main__":
    unittest.main()
