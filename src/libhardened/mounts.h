#ifndef HD_MOUNTS_H
#define HD_MOUNTS_H

#include "error.h"
#include "overlay.h"
#include "spec.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The host objects the overlay judged, taken from the host facts by the
 * runtime before the init exists:
 * - the hardened spec's bind mounts as detached trees, one per mount
 *   index (-1 for the other mounts), cloned from the fd the overlay
 *   judged, never from a path, with every flag the spec asks already
 *   set. The init inherits them and only attaches them, so a source the
 *   container's user namespace cannot reach still mounts.
 * - the rootfs: its real path, and the directory (device, inode) that
 *   the init must find there before it binds and enters it. */
typedef struct {
  int *bind_trees;
  size_t len;
  char *rootfs;
  dev_t rootfs_dev;
  ino_t rootfs_ino;
} hd_sources;
int hd_sources_prepare(const oci_spec *spec, const hd_host_facts *facts,
                       hd_sources *out, hd_error_t *err);
void hd_sources_clear(hd_sources *trees);

/* Runs in the container's new mount namespace, before pivot_root:
 * rootfs propagation, bind the rootfs to itself, every spec mount
 * (targets resolved inside the rootfs without leaving it), default
 * devices and spec devices, the /dev symlinks. The rootfs is
 * sources->rootfs, refused unless it is still the directory the overlay
 * judged; the cwd is left at the root of its bind. */
int hd_rootfs_prepare(const oci_spec *spec, hd_sources *sources,
                      hd_error_t *err);
/* From the cwd hd_rootfs_prepare left in the rootfs: pivot_root (or,
 * with no_pivot, MS_MOVE + chroot), then linux.sysctl
 * (hd_sysctl_apply, before /proc/sys turns read-only), masked and
 * read-only paths, and the read-only remount of / when root.readonly. */
int hd_rootfs_pivot_and_finish(const oci_spec *spec, const char *rootfs,
                               bool no_pivot, hd_error_t *err);
/* Write linux.sysctl through a procfs verified to be procfs. Runs in the
 * container after pivot; hd_rootfs_pivot_and_finish already calls it, and
 * a second call is a no-op when the values are still in place. */
int hd_sysctl_apply(const oci_linux *lnx, hd_error_t *err);
/* Write /proc/PID/oom_score_adj (host side). */
int hd_oom_score_adj_apply(int pid, int value, hd_error_t *err);

#endif
