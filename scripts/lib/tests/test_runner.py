"""Tests of scripts/lib/runner.py's platform checks: an image built for one platform is refused,
with a message naming both, before the other platform's machine is started (where it would
hang or fault without a word); an unknown platform is named."""
import os
import tempfile
import unittest

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import runner  # noqa: E402


def elf32(entry, flags=0):
    """A little-endian ELF32 header with entry point `entry` and e_flags `flags`."""
    head = bytearray(52)
    head[:4] = b"\x7fELF"
    head[4] = 1  # ELFCLASS32
    head[5] = 1  # little-endian
    head[24:28] = entry.to_bytes(4, "little")
    head[36:40] = flags.to_bytes(4, "little")
    return bytes(head)


class PlatformCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def image(self, name, entry, flags=0):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(elf32(entry, flags))
        return path

    def test_an_image_with_c_runs_on_qemu_with_c_and_on_the_core_built_with_c(self):
        c_image = self.image("c.elf", runner.VIRT_ENTRY, flags=runner.EF_RISCV_RVC | 0x10)
        plain = self.image("p.elf", runner.VIRT_ENTRY, flags=0x10)  # float ABI bits, no RVC
        self.assertTrue(runner.elf_rvc(c_image))
        self.assertFalse(runner.elf_rvc(plain))
        self.assertFalse(runner.elf_rvc(os.path.join(self.tmp.name, "absent.elf")))
        self.assertIn(runner.QEMU_CPU_RVC, runner.platform_command("qemu", c_image))
        self.assertNotIn(runner.QEMU_CPU, runner.platform_command("qemu", c_image))
        self.assertIn(runner.QEMU_CPU, runner.platform_command("qemu", plain))
        self.assertIn(runner.QEMU_CPU_RVC, runner.platform_command("qemu", c_image, fast=True))
        models = {}
        for name in ("COURIER_SIM", "COURIER_SIM_RVC"):
            models[name] = os.path.join(self.tmp.name, name)
            open(models[name], "w").close()
        old = {k: os.environ.get(k) for k in models}
        os.environ.update(models)
        try:
            self.assertEqual(runner.platform_command("sim", c_image)[0], models["COURIER_SIM_RVC"])
            self.assertEqual(runner.platform_command("sim", plain)[0], models["COURIER_SIM"])
            os.remove(models["COURIER_SIM_RVC"])
            with self.assertRaises(FileNotFoundError) as e:
                runner.platform_command("sim", c_image)
            self.assertIn("sim-rvc", str(e.exception))
            self.assertIn("C extension", str(e.exception))
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    def test_entry_is_read(self):
        self.assertEqual(runner.elf_entry(self.image("a.elf", 0x2050_1000)), 0x2050_1000)
        junk = os.path.join(self.tmp.name, "junk")
        with open(junk, "wb") as f:
            f.write(b"not an elf at all, just bytes")
        self.assertIsNone(runner.elf_entry(junk))

    def test_a_betrusted_image_is_refused_on_qemu_and_the_virt_sim(self):
        img = self.image("bt.elf", runner.BETRUSTED_ENTRY)
        for platform in ("qemu", "sim"):
            with self.assertRaises(ValueError) as e:
                runner.platform_command(platform, img)
            self.assertIn("built for the betrusted platform", str(e.exception))
            self.assertIn(platform, str(e.exception))

    def test_a_virt_image_is_refused_on_betrusted_sim(self):
        img = self.image("virt.elf", runner.VIRT_ENTRY)
        with self.assertRaises(ValueError) as e:
            runner.platform_command("betrusted-sim", img)
        self.assertIn("built for the qemu-virt platform", str(e.exception))
        self.assertIn("betrusted-sim", str(e.exception))

    def test_matching_images_pass_the_check(self):
        runner.check_image_platform("qemu", self.image("v.elf", runner.VIRT_ENTRY))
        runner.check_image_platform("betrusted-sim", self.image("b.elf", runner.BETRUSTED_ENTRY))
        self.assertEqual(runner.platform_command("qemu", self.image("q.elf", 0x8000_0000))[0],
                         runner.QEMU)

    def slot_image(self, name="image.bin"):
        import signpage
        from cryptography.hazmat.primitives.asymmetric import ed25519
        path = os.path.join(self.tmp.name, name)
        key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
        with open(path, "wb") as f:
            f.write(signpage.sign(bytes(range(200)), key))
        return path

    def test_a_signed_slot_image_boots_from_flash_on_betrusted_sim_only(self):
        sim = os.path.join(self.tmp.name, "courier-sim")
        open(sim, "w").close()
        old = os.environ.get("COURIER_SIM_BETRUSTED")
        os.environ["COURIER_SIM_BETRUSTED"] = sim
        self.addCleanup(lambda: os.environ.pop("COURIER_SIM_BETRUSTED") if old is None
                        else os.environ.__setitem__("COURIER_SIM_BETRUSTED", old))
        image = self.slot_image()
        self.assertTrue(runner.is_slot_image(image))
        self.assertEqual(runner.platform_command("betrusted-sim", image),
                         [sim, "--flash", f"{image}@0x500000"])
        for platform in ("qemu", "sim"):
            with self.assertRaises(ValueError) as e:
                runner.platform_command(platform, image)
            self.assertIn("run it on betrusted-sim", str(e.exception))
        # The model's boot ROM refuses a page whose signature does not verify.
        with open(image, "rb") as f:
            bad = bytearray(f.read())
        bad[4096 + 17] ^= 1
        with open(image, "wb") as f:
            f.write(bad)
        with self.assertRaises(ValueError) as e:
            runner.platform_command("betrusted-sim", image)
        self.assertIn("the boot ROM would not boot this", str(e.exception))
        self.assertIn("the signature does not verify", str(e.exception))

    def test_the_cycle_budget_comes_from_the_image_and_reaches_courier_sim(self):
        import elf_fixtures
        path = os.path.join(self.tmp.name, "b.elf")
        elf_fixtures.write_elf(path, runner.VIRT_ENTRY, [(runner.VIRT_ENTRY, runner.VIRT_ENTRY,
                                                          b"x" * 8, 8, 5)],
                               [(".courier.budget", 0, b"cycles=250000000\0")])
        self.assertEqual(runner.image_budget(path), 250_000_000)
        self.assertIsNone(runner.image_budget(self.image("n.elf", runner.VIRT_ENTRY)))
        sim = os.path.join(self.tmp.name, "courier-sim")
        open(sim, "w").close()
        old = os.environ.get("COURIER_SIM")
        os.environ["COURIER_SIM"] = sim
        self.addCleanup(lambda: os.environ.pop("COURIER_SIM") if old is None
                        else os.environ.__setitem__("COURIER_SIM", old))
        self.assertEqual(runner.platform_command("sim", path, max_cycles=250_000_000),
                         [sim, "--max-cycles", "250000000", path])
        self.assertNotIn("--max-cycles", runner.platform_command("qemu", path))
        self.assertEqual(runner.backstop_seconds(250_000_000), 530.0)

    def test_unknown_platform(self):
        with self.assertRaises(ValueError) as e:
            runner.platform_command("vax", self.image("v.elf", runner.VIRT_ENTRY))
        self.assertIn("betrusted-sim", str(e.exception))


if __name__ == "__main__":
    unittest.main()
