#!/usr/bin/python3
"""scripts/deploy: a Courier configuration as the Precursor's signed loader-slot image.

usage: deploy.py [--config NAME] [--image NAME] [--key FILE] [--out DIR] [--build DIR]
                 [--flash [--updater PATH]] | --verify DIR

Builds the configuration for the betrusted platform (CMake preset `betrusted-<config>`;
`betrusted` for full, configured into its own tree build/deploy-<config> with fresh boot seeds),
takes the image (a courier_image: the kernel and its boot archive;
default `demo_betrusted`, the Betrusted demo), which is linked to run from the loader slot
(its code at 0x2050_1000, kernel/platform/betrusted/kernel.ld), and writes to DIR (default
deploy/):

  image.bin      the slot image, byte for byte what goes into flash at offset 0x50_0000: the
                 4 KiB signature page (Xous's "version 1" loader page; signpage.py) and the
                 signed bytes (the payload and the version trailer). Flash this.
  payload.bin    the unsigned payload, as it sits in flash from 0x2050_1000.
  manifest.json  what was deployed: configuration, IPC paths, kernel section sizes, the boot
                 archive's processes, git revision, SHA-256 and size of each file, slot and
                 offset, the signing public key, the build flags, the flashing command.
  signing.key    only when no --key was given: a fresh Ed25519 seed (kept and reused by later
                 runs into the same folder). A device boots only images signed with a key its
                 KEYROM holds; a shipped one holds Xous's developer key (--key
                 xous-core/devkey/dev.key, a PEM PKCS#8 Ed25519 key; a raw 32-byte seed works
                 too).

Every file is written under a temporary name and renamed at the end, the manifest last (it is
removed first): a folder whose manifest is there is a complete deployment.

--flash runs Xous's updater (tools/usb_update.py in betrusted-io/xous-core; --updater PATH, or
usb_update.py on PATH) as `usb_update.py -l DIR/image.bin`, after checking the deployment
(--verify's checks). --verify DIR checks an existing deployment: the manifest's sizes and
SHA-256 against the files, the signature against the manifest's public key, the slot size.
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkarchive  # noqa: E402
import signpage  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

IMAGE, PAYLOAD, MANIFEST, KEY = "image.bin", "payload.bin", "manifest.json", "signing.key"
DEFAULT_IMAGE = "demo_betrusted"
# The loader slot runs from flash offset 0x50_0000 up to the fonts slot at 0x53_0000
# (PRECURSOR.md, "Flash slots"): the signature page and the signed bytes must fit in it.
SLOT_END = 0x53_0000
SLOT_BYTES = SLOT_END - signpage.SLOT_OFFSET
UPDATER = "usb_update.py"
MANIFEST_FORMAT = "courier-deploy/1"
PATHS = ("sync", "lend", "copy", "batch")  # DESIGN.md's IPC paths, in its order
KERNEL_SECTIONS = (".loader", ".text", ".rodata", ".data", ".bss", ".boot_archive")


class DeployError(Exception):
    pass


# ---- the ELF ------------------------------------------------------------------------------

def read_elf(path):
    """(entry, loadable segments [(paddr, vaddr, filesz, memsz, data)], sections {name: (addr,
    size, data or None)}) of a 32-bit little-endian RISC-V executable."""
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as e:
        raise DeployError(f"{path}: cannot read: {e.strerror}") from None
    if len(blob) < 52 or blob[:4] != b"\x7fELF" or blob[4] != 1 or blob[5] != 1:
        raise DeployError(f"{path}: not a 32-bit little-endian ELF")
    (e_type, e_machine, _, entry, phoff, shoff, _, _, phentsize, phnum, shentsize, shnum,
     shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", blob, 16)
    if e_type != 2 or e_machine != mkarchive.EM_RISCV:
        raise DeployError(f"{path}: not a RISC-V executable")

    def need(off, size, what):
        if off + size > len(blob):
            raise DeployError(f"{path}: {what} lies outside the file")

    segments = []
    for i in range(phnum):
        need(phoff + i * phentsize, 32, f"program header {i}")
        p_type, p_off, vaddr, paddr, filesz, memsz, _, _ = struct.unpack_from(
            "<8I", blob, phoff + i * phentsize)
        if p_type == mkarchive.PT_LOAD:
            need(p_off, filesz, f"segment {i}")
            segments.append((paddr, vaddr, filesz, memsz, blob[p_off:p_off + filesz]))
    sections = {}
    if shoff and shnum:
        headers = []
        for i in range(shnum):
            need(shoff + i * shentsize, 40, f"section header {i}")
            headers.append(struct.unpack_from("<10I", blob, shoff + i * shentsize))
        names = headers[shstrndx] if shstrndx < shnum else None
        for name_off, sh_type, _, addr, off, size, *_ in headers:
            if names is None:
                break
            at = names[4] + name_off
            name = blob[at:blob.index(b"\0", at)].decode(errors="replace")
            data = None
            if sh_type != 8:  # SHT_NOBITS
                need(off, size, f"section {name}")
                data = blob[off:off + size]
            sections[name] = (addr, size, data)
    return entry, segments, sections


def payload_of(path):
    """The bytes the image puts in flash from the code address 0x2050_1000 on: every loaded
    segment at its load (physical) address, gaps zero (what `objcopy -O binary` gives)."""
    entry, segments, _ = read_elf(path)
    if entry != signpage.CODE_ADDRESS:
        raise DeployError(
            f"{path}: entry {entry:#010x} is not the loader slot's code address "
            f"{signpage.CODE_ADDRESS:#010x}: not an image of the betrusted platform (build it "
            "with a betrusted preset)")
    placed = [(paddr, data) for paddr, _, filesz, _, data in segments if filesz]
    if not placed:
        raise DeployError(f"{path}: no loadable bytes")
    flash_end = signpage.FLASH_BASE + 128 * 1024 * 1024
    for paddr, data in placed:
        if paddr < signpage.CODE_ADDRESS or paddr + len(data) > flash_end:
            raise DeployError(f"{path}: a segment loads at {paddr:#010x}, outside the flash "
                              f"from {signpage.CODE_ADDRESS:#010x}: it cannot be in the slot")
    end = max(paddr + len(data) for paddr, data in placed)
    out = bytearray(end - signpage.CODE_ADDRESS)
    for paddr, data in placed:
        out[paddr - signpage.CODE_ADDRESS:paddr - signpage.CODE_ADDRESS + len(data)] = data
    return bytes(out)


def kernel_sections(path):
    _, _, sections = read_elf(path)
    return {name: sections[name][1] for name in KERNEL_SECTIONS if name in sections}


def archive_contents(path):
    _, _, sections = read_elf(path)
    if ".boot_archive" not in sections or sections[".boot_archive"][2] is None:
        raise DeployError(f"{path}: no .boot_archive section: not a Courier image")
    try:
        return mkarchive.describe(sections[".boot_archive"][2])
    except mkarchive.PackError as e:
        raise DeployError(f"{path}: boot archive: {e}") from None


# ---- keys -----------------------------------------------------------------------------------

def get_key(key_path, out_dir):
    """(key, where it came from, warning or None). Without --key, the output folder's
    signing.key (made now if missing)."""
    if key_path:
        try:
            return signpage.load_key(key_path), os.path.abspath(key_path), None
        except signpage.SignError as e:
            raise DeployError(str(e)) from None
    path = os.path.join(out_dir, KEY)
    if not os.path.exists(path):
        os.makedirs(out_dir, exist_ok=True)
        tmp = path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(signpage.KEY_BYTES))
        os.replace(tmp, path)
        made = "made a fresh signing key"
    else:
        made = "signed with the key made earlier"
    try:
        key = signpage.load_key(path)
    except signpage.SignError as e:
        raise DeployError(str(e)) from None
    warning = (f"no --key given: {made} in {path}. A Precursor boots only an image signed with "
               "a key its KEYROM holds; a device as shipped accepts Xous's developer key "
               "(--key xous-core/devkey/dev.key)")
    return key, os.path.abspath(path), warning


# ---- the build --------------------------------------------------------------------------------

def known_configs(root=ROOT):
    """The kernel configurations (CMakeLists.txt's COURIER_CONFIG choices)."""
    try:
        with open(os.path.join(root, "CMakeLists.txt")) as f:
            for line in f:
                if "COURIER_CONFIG PROPERTY STRINGS" in line:
                    return line.split("STRINGS", 1)[1].strip().rstrip(")").split()
    except OSError:
        pass
    return ["full", "minimal", "betrusted"]


def preset_for(config):
    return "betrusted" if config == "full" else f"betrusted-{config}"


def deploy_tree(config, root=ROOT):
    return os.path.join(root, "build", f"deploy-{config}")


def build(config, root=ROOT):
    """Configures and builds the configuration for betrusted in its own tree,
    build/deploy-<config>; returns that folder. The presets' trees (tests, benchmarks) pack a
    fixed, published boot seed so their bytes are reproducible; a deployed image must not have
    one anybody can read off the repository, so this tree draws fresh boot entropy for every
    archive (COURIER_BOOT_SEED empty; abi/boot_archive.h)."""
    import bench  # the preset helpers
    preset = preset_for(config)
    found, presets = bench.find_preset(root, preset)
    if found is None:
        raise DeployError(f"no CMake preset '{preset}' for configuration '{config}' (known: "
                          f"{', '.join(sorted(presets)) or 'none'})")
    tree = deploy_tree(config, root)
    print(f"deploy: building the {config} configuration for betrusted (preset {preset}, "
          f"{os.path.relpath(tree, root)}, fresh boot seeds)", flush=True)
    for cmd in (["cmake", "--preset", preset, "-B", tree, "-DCOURIER_BOOT_SEED="],
                ["cmake", "--build", tree, "-j2"]):
        r = subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL if cmd[1] == "--preset"
                           else None)
        if r.returncode != 0:
            raise DeployError(f"'{' '.join(cmd)}' failed (status {r.returncode})")
    return tree


def build_info(build_dir):
    """The build tree's courier-build.json (kernel/CMakeLists.txt writes it)."""
    path = os.path.join(build_dir, "courier-build.json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError:
        raise DeployError(f"{path}: missing: {build_dir} is not a configured rv32 build tree "
                          "(cmake --preset betrusted-<config>)") from None
    except ValueError as e:
        raise DeployError(f"{path}: not JSON ({e})") from None


def find_image(build_dir, name):
    """The image NAME.elf in the build tree: a courier_image (it has a .size.json beside it)."""
    found, images = [], []
    for dirpath, _, files in os.walk(build_dir):
        for f in files:
            if f.endswith(".elf.size.json"):
                images.append(f[:-len(".elf.size.json")])
                if f == name + ".elf.size.json":
                    found.append(os.path.join(dirpath, name + ".elf"))
    if len(found) == 1 and os.path.isfile(found[0]):
        return found[0]
    if not found:
        raise DeployError(f"no image '{name}' in {build_dir} (images: "
                          f"{', '.join(sorted(images)) or 'none; build the tree first'})")
    raise DeployError(f"image '{name}' is ambiguous in {build_dir}: {', '.join(found)}")


def git(*args, root=ROOT):
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()


def revision(root=ROOT):
    """(describe string, 32-bit commit or None): the revision of the deployed sources."""
    try:
        rev = git("describe", "--always", "--tags", root=root)
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".",
                    ":(exclude)results", root=root)
        commit = int(git("rev-parse", "--short=8", "HEAD", root=root)[:8], 16)
        return rev + ("-dirty" if dirty else ""), commit
    except (OSError, subprocess.CalledProcessError, ValueError):
        return "unknown", None


def project_version(root=ROOT):
    try:
        with open(os.path.join(root, "CMakeLists.txt")) as f:
            for line in f:
                if line.startswith("project(") and " VERSION " in line:
                    parts = line.split(" VERSION ", 1)[1].split()[0].split(".")
                    return tuple(int(p) for p in (parts + ["0", "0"])[:3])
    except (OSError, ValueError):
        pass
    return (0, 0, 0)


# ---- writing ----------------------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).hexdigest()


def flash_command(out_dir):
    return f"{UPDATER} -l {os.path.join(os.path.abspath(out_dir), IMAGE)}"


def package(elf, out_dir, key, key_source, info, rev, commit, version=(0, 0, 0), name=None):
    """Signs the image `elf` into out_dir; returns the manifest. Nothing in out_dir looks
    complete until every file is in place."""
    payload = payload_of(elf)
    sections = kernel_sections(elf)
    archive = archive_contents(elf)
    semver = signpage.semver(*version, commit=commit)
    image = signpage.sign(payload, key, version=semver)
    if len(image) > SLOT_BYTES:
        raise DeployError(
            f"{elf}: the signed image is {len(image)} bytes ({len(payload)} of payload), "
            f"larger than the loader slot's {SLOT_BYTES} (flash {signpage.SLOT_OFFSET:#x}.."
            f"{SLOT_END:#x}); nothing written")
    public = signpage.public_bytes(key)
    try:
        if signpage.verify(image, public) != payload:
            raise signpage.SignError("the verified code is not the payload")
    except signpage.SignError as e:
        raise DeployError(f"{elf}: the signed image does not verify ({e}); nothing written")
    manifest = {
        "format": MANIFEST_FORMAT,
        "image": name or os.path.basename(elf)[:-len(".elf")],
        "platform": info.get("platform"),
        "configuration": info.get("config"),
        "ipc_paths": [p for p in PATHS if info.get("ipc_paths", {}).get(p)],
        "kernel_sections": sections,
        "boot_archive": archive,
        "git_revision": rev,
        # What the kernel's banner says: the revision the build tree was configured at (a tree
        # given with --build may be older than the sources' revision above).
        "kernel_revision": info.get("kernel_revision"),
        "semver": {"version": ".".join(map(str, version)),
                   "commit": f"{commit:08x}" if commit is not None else None},
        "built": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "files": {
            IMAGE: {"bytes": len(image), "sha256": sha256(image)},
            PAYLOAD: {"bytes": len(payload), "sha256": sha256(payload)},
        },
        "flash": {
            "slot": "loader",
            "offset": f"{signpage.SLOT_OFFSET:#x}",
            "address": f"{signpage.FLASH_BASE + signpage.SLOT_OFFSET:#010x}",
            "code_address": f"{signpage.CODE_ADDRESS:#010x}",
            "slot_bytes": SLOT_BYTES,
            "free_bytes": SLOT_BYTES - len(image),
        },
        "signature": {
            "scheme": "Ed25519 (plain), Xous loader signature page version 1",
            "public_key": public.hex(),
            "key_file": key_source,
        },
        "build_flags": {k: v for k, v in info.items()
                        if k.endswith("_flags") or k in ("compiler", "boot_seed")},
        "source_elf": os.path.abspath(elf),
        "flash_command": flash_command(out_dir),
    }
    text = json.dumps(manifest, indent=1) + "\n"
    os.makedirs(out_dir, exist_ok=True)
    contents = {PAYLOAD: payload, IMAGE: image, MANIFEST: text.encode()}
    tmps = {}
    try:
        for fname, data in contents.items():
            tmps[fname] = os.path.join(out_dir, f".{fname}.tmp")
            with open(tmps[fname], "wb") as f:
                f.write(data)
        # The manifest marks a complete deployment: gone first, back last.
        if os.path.exists(os.path.join(out_dir, MANIFEST)):
            os.remove(os.path.join(out_dir, MANIFEST))
        for fname in (PAYLOAD, IMAGE, MANIFEST):
            os.replace(tmps.pop(fname), os.path.join(out_dir, fname))
    except OSError as e:
        raise DeployError(f"{out_dir}: cannot write the deployment: {e}") from None
    finally:
        for tmp in tmps.values():
            if os.path.exists(tmp):
                os.remove(tmp)
    return manifest


def verify_deployment(out_dir):
    """Checks a deployment folder; returns its manifest or raises DeployError naming the file."""
    mpath = os.path.join(out_dir, MANIFEST)
    try:
        with open(mpath) as f:
            manifest = json.load(f)
    except OSError:
        raise DeployError(f"{mpath}: missing: {out_dir} holds no complete deployment "
                          "(run scripts/deploy)") from None
    except ValueError as e:
        raise DeployError(f"{mpath}: not JSON ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise DeployError(f"{mpath}: not a {MANIFEST_FORMAT} manifest")
    blobs = {}
    for fname in (IMAGE, PAYLOAD):
        path = os.path.join(out_dir, fname)
        want = manifest.get("files", {}).get(fname, {})
        try:
            with open(path, "rb") as f:
                blobs[fname] = f.read()
        except OSError as e:
            raise DeployError(f"{path}: cannot read: {e.strerror}") from None
        if len(blobs[fname]) != want.get("bytes") or sha256(blobs[fname]) != want.get("sha256"):
            raise DeployError(f"{path}: size or SHA-256 differs from {mpath}: the file changed "
                              "after deployment")
    image = blobs[IMAGE]
    if len(image) > SLOT_BYTES:
        raise DeployError(f"{os.path.join(out_dir, IMAGE)}: {len(image)} bytes, larger than the "
                          f"loader slot's {SLOT_BYTES}")
    try:
        public = bytes.fromhex(manifest["signature"]["public_key"])
        code = signpage.verify(image, public)
    except (KeyError, ValueError, TypeError):
        raise DeployError(f"{mpath}: no valid signing public key") from None
    except signpage.SignError as e:
        raise DeployError(f"{os.path.join(out_dir, IMAGE)}: {e} with the manifest's key "
                          f"{manifest['signature']['public_key'][:16]}…") from None
    if code != blobs[PAYLOAD]:
        raise DeployError(f"{os.path.join(out_dir, IMAGE)}: the signed code is not "
                          f"{os.path.join(out_dir, PAYLOAD)}")
    return manifest


def find_updater(given):
    if given:
        if not os.path.isfile(given):
            raise DeployError(f"--updater {given}: no such file (Xous's tools/usb_update.py)")
        return os.path.abspath(given)
    found = shutil.which(UPDATER)
    if not found:
        raise DeployError(
            f"--flash: {UPDATER} is not on PATH and no --updater was given. It is Xous's USB "
            "updater: tools/usb_update.py in https://github.com/betrusted-io/xous-core (it needs "
            "Debian's python3-usb and python3-progressbar). Give --updater PATH/usb_update.py, "
            f"or flash by hand: {UPDATER} -l IMAGE")
    return found


def run_updater(updater, out_dir):
    image = os.path.join(os.path.abspath(out_dir), IMAGE)
    cmd = [updater, "-l", image]
    if not os.access(updater, os.X_OK):
        cmd = ["/usr/bin/python3"] + cmd
    print(f"deploy: flashing: {' '.join(cmd)}", flush=True)
    r = subprocess.run(cmd)
    if r.returncode != 0:
        raise DeployError(f"{updater} failed (status {r.returncode}); the device's loader slot may "
                          "be half-written: flash again before resetting it")


def check_build_tree(build_dir, config):
    info = build_info(build_dir)
    if info.get("platform") != "betrusted":
        raise DeployError(f"{build_dir} is built for the {info.get('platform')} platform, not "
                          "betrusted (use a betrusted preset)")
    if config is not None and info.get("config") != config:
        raise DeployError(f"{build_dir} holds configuration '{info.get('config')}', not "
                          f"'{config}'")
    return info


def deploy(config, image_name, out_dir, key_path=None, build_dir=None, root=ROOT, log=print):
    """The whole command but flashing; returns (manifest, warning or None)."""
    configs = known_configs(root)
    if config not in configs:
        raise DeployError(f"unknown configuration '{config}' (known: {', '.join(configs)})")
    # The key first: a bad key file should not cost a build.
    key, key_source, warning = get_key(key_path, out_dir)
    build_dir = build_dir or build(config, root)
    info = check_build_tree(build_dir, config)
    elf = find_image(build_dir, image_name)
    rev, commit = revision(root)
    manifest = package(elf, out_dir, key, key_source, info, rev, commit,
                       project_version(root), image_name)
    return manifest, warning


def summary(manifest, out_dir):
    s = manifest["kernel_sections"]
    files = manifest["files"]
    procs = ", ".join(p["name"] for p in manifest["boot_archive"]["processes"])
    return "\n".join([
        f"deploy: {manifest['image']} ({manifest['configuration']}: "
        f"{'+'.join(manifest['ipc_paths'])}), {manifest['git_revision']}",
        f"deploy: kernel .text {s.get('.text', 0)} .rodata {s.get('.rodata', 0)} .data "
        f"{s.get('.data', 0)} .bss {s.get('.bss', 0)}; boot archive "
        f"{manifest['boot_archive']['bytes']} bytes ({procs})",
        f"deploy: wrote {os.path.join(out_dir, IMAGE)} ({files[IMAGE]['bytes']} bytes, "
        f"{manifest['flash']['free_bytes']} free in the slot at flash "
        f"{manifest['flash']['offset']}; sha256 {files[IMAGE]['sha256'][:16]}…),",
        f"deploy:       {os.path.join(out_dir, PAYLOAD)} ({files[PAYLOAD]['bytes']} bytes), "
        f"{os.path.join(out_dir, MANIFEST)}",
        f"deploy: signed with {manifest['signature']['public_key']} "
        f"({manifest['signature']['key_file']})",
        "deploy: to flash it (Xous's tools/usb_update.py, over USB):",
        f"    {manifest['flash_command']}",
    ])


def main(argv):
    ap = argparse.ArgumentParser(prog="scripts/deploy", description=(
        "Build a configuration for the Precursor and write its signed loader-slot image."))
    ap.add_argument("--config", default="betrusted",
                    help="configuration (default betrusted, the deployment choice)")
    ap.add_argument("--image", default=DEFAULT_IMAGE,
                    help=f"which image of the build (default {DEFAULT_IMAGE}; e.g. bench_sync)")
    ap.add_argument("--key", default=None,
                    help="Ed25519 signing key: PEM PKCS#8 (Xous's devkey/dev.key) or a 32-byte "
                         "seed; default: a key made in the output folder")
    ap.add_argument("--out", default=os.path.join(ROOT, "deploy"))
    ap.add_argument("--build", default=None, help="use this build tree; do not run CMake")
    ap.add_argument("--flash", action="store_true", help="flash it with Xous's usb_update.py")
    ap.add_argument("--updater", default=None, help="path of usb_update.py (with --flash)")
    ap.add_argument("--verify", metavar="DIR", default=None,
                    help="check an existing deployment folder and stop")
    args = ap.parse_args(argv)
    if args.updater and not args.flash:
        ap.error("--updater goes with --flash")
    try:
        if args.verify:
            m = verify_deployment(args.verify)
            print(f"deploy: {args.verify}: {m['image']} ({m['configuration']}) verifies: "
                  f"{m['files'][IMAGE]['bytes']} bytes, signed by {m['signature']['public_key']}")
            return 0
        updater = find_updater(args.updater) if args.flash else None
        manifest, warning = deploy(args.config, args.image, args.out, args.key, args.build)
        if warning:
            print(f"deploy: warning: {warning}", file=sys.stderr)
        print(summary(manifest, args.out))
        if updater:
            verify_deployment(args.out)
            run_updater(updater, args.out)
    except DeployError as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
