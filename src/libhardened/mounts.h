#ifndef HD_MOUNTS_H
#define HD_MOUNTS_H

#include "error.h"
#include "overlay.h"
#include "spec.h"
#include <stdbool.h>
#include <stddef.h>

/* The hardened spec's bind mounts as detached trees, one per mount index
 * (-1 for the other mounts), made by the runtime before the init exists:
 * cloned from the fd the overlay judged (host facts), never from a path,
 * with every flag the spec asks already set. The init inherits them and
 * only attaches them, so a source the container's user namespace cannot
 * reach still mounts. */
typedef struct {
  int *fds;
  size_t len;
} hd_bind_trees;
int hd_bind_trees_prepare(const oci_spec *spec, const hd_host_facts *facts,
                          hd_bind_trees *out, hd_error_t *err);
void hd_bind_trees_clear(hd_bind_trees *trees);

/* Runs in the container's new mount namespace, before pivot_root:
 * rootfs propagation, bind the rootfs to itself, every spec mount
 * (targets resolved inside the rootfs without leaving it), default
 * devices and spec devices, the /dev symlinks. `rootfs` is absolute. */
int hd_rootfs_prepare(const oci_spec *spec, const char *rootfs,
                      hd_bind_trees *binds, hd_error_t *err);
/* pivot_root (or, with no_pivot, MS_MOVE + chroot), then linux.sysctl
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
