/* STUB: replaced by its owner. */
#include "mounts.h"
#include <stddef.h>
#include <errno.h>

int hd_rootfs_prepare(const oci_spec *spec, const char *rootfs,
                      hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_rootfs_prepare");
}

int hd_rootfs_pivot_and_finish(const oci_spec *spec, const char *rootfs,
                               bool no_pivot, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_rootfs_pivot_and_finish");
}

int hd_sysctl_apply(const oci_linux *lnx, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_sysctl_apply");
}

int hd_oom_score_adj_apply(int pid, int value, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_oom_score_adj_apply");
}
