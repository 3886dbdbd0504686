// keep_archive.cc — linked into the images whose init spawns processes (courier_image SPAWN).
//
// The link-time marker of core/spawn.cc: with it the kernel keeps the boot archive's pages (as
// kernel memory no process can map) instead of freeing them after boot, and init's spawn
// syscall can start the archive's processes again. The archive format is unchanged; an image
// without this file frees the archive as before, and its spawn answers NotSupported.
extern "C" bool boot_keeps_archive() { return true; }
