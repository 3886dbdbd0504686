"""Tests of scripts/lib/layout.py, the seeded kernel function order: a seed gives one order
whatever the objects are called or in which order they come, another seed another order, seed 0
the empty (unperturbed) fragments, hot functions only among themselves, pinned sections never
listed, archives read, and objects without function sections refused."""
import os
import tempfile
import unittest

import fixtures  # noqa: F401  first: it puts scripts/lib on the path
import elf_fixtures  # noqa: E402
import layout  # noqa: E402

HOT = [".text.hot", ".text.hot._ZN7courier4sync4callEv", ".text.hot._ZN7courier3irqEv"]
REST = [f".text._ZN7courier4func{i}Ev" for i in range(40)]


def obj(path, names):
    elf_fixtures.write_elf(path, 0, [], [(n, 0, b"\x13\0\0\0") for n in names])


def ar(path, members):
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        out += f"{name + '/':16}{0:<12}{0:<6}{0:<6}{644:<8}{len(data):<10}`\n".encode()
        out += data + (b"\n" if len(data) & 1 else b"")
    with open(path, "wb") as f:
        f.write(out)


class Layout(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.a = os.path.join(self.tmp.name, "a.o")
        self.b = os.path.join(self.tmp.name, "b.o")
        obj(self.a, HOT[:2] + REST[:20] + [".text.boot", ".text", ".rodata.x"])
        obj(self.b, HOT[2:] + REST[20:] + [".text.loader"])

    def run_layout(self, seed, *objects, out="out"):
        folder = os.path.join(self.tmp.name, out)
        self.assertEqual(layout.main(["--seed", str(seed), "--out", folder, *objects]), 0)
        with open(os.path.join(folder, layout.HOT_FILE)) as h, \
                open(os.path.join(folder, layout.REST_FILE)) as r:
            return h.read(), r.read()

    @staticmethod
    def names(text):
        return [line[2:-1] for line in text.splitlines() if line.startswith("*(")]

    def test_a_seed_is_one_order_whatever_the_objects_are_called_or_their_order(self):
        first = self.run_layout(7, self.a, self.b, out="one")
        again = self.run_layout(7, self.b, self.a, out="two")
        self.assertEqual(first, again)
        hot, rest = map(self.names, first)
        self.assertEqual(sorted(hot), sorted(HOT))
        self.assertEqual(sorted(rest), sorted(REST))
        self.assertNotEqual(rest, sorted(REST))  # shuffled, not the linker's order

    def test_another_seed_another_order(self):
        self.assertNotEqual(self.names(self.run_layout(1, self.a, self.b)[1]),
                            self.names(self.run_layout(2, self.a, self.b, out="o2")[1]))

    def test_seed_zero_is_the_unperturbed_build(self):
        hot, rest = self.run_layout(0)
        self.assertEqual((self.names(hot), self.names(rest)), ([], []))
        self.assertIn("unperturbed", hot)

    def test_pinned_and_plain_sections_are_never_listed(self):
        hot, rest = self.run_layout(3, self.a, self.b)
        listed = self.names(hot) + self.names(rest)
        for pinned in (".text.boot", ".text.loader", ".text", ".rodata.x"):
            self.assertNotIn(pinned, listed)

    def test_archives_are_read(self):
        with open(self.a, "rb") as f:
            a = f.read()
        with open(self.b, "rb") as f:
            b = f.read()
        lib = os.path.join(self.tmp.name, "libk.a")
        ar(lib, [("a.o", a), ("b.o", b)])
        self.assertEqual(self.run_layout(5, lib, out="lib"), self.run_layout(5, self.a, self.b))

    def test_objects_without_function_sections_are_refused(self):
        plain = os.path.join(self.tmp.name, "plain.o")
        obj(plain, [".text", ".data"])
        self.assertEqual(layout.main(["--seed", "1", "--out", self.tmp.name, plain]), 1)
        junk = os.path.join(self.tmp.name, "junk.o")
        with open(junk, "wb") as f:
            f.write(b"not an object")
        with self.assertRaises(layout.LayoutError):
            layout.text_sections([junk])


if __name__ == "__main__":
    unittest.main()
