/* STUB: replaced by its owner. */
#include "cgroup.h"
#include <stddef.h>
#include <errno.h>

char *hd_cgroup_resolve_path(const char *cgroups_path, const char *id,
                             bool systemd_cgroup) {
  return NULL;
}

int hd_cgroup_create(const char *path, const oci_resources *resources,
                     hd_cgroup **out, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_create");
}

int hd_cgroup_open(const char *path, hd_cgroup **out, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_open");
}

int hd_cgroup_enter(hd_cgroup *cg, pid_t pid, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_enter");
}

int hd_cgroup_v2_dirfd(hd_cgroup *cg) {
  return -1;
}

int hd_cgroup_apply_resources(hd_cgroup *cg, const oci_resources *resources,
                              hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_apply_resources");
}

int hd_cgroup_pids(hd_cgroup *cg, pid_t **pids, size_t *n, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_pids");
}

int hd_cgroup_freeze(hd_cgroup *cg, bool frozen, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_freeze");
}

int hd_cgroup_destroy(hd_cgroup *cg, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_cgroup_destroy");
}

const char *hd_cgroup_path(const hd_cgroup *cg) {
  return NULL;
}

void hd_cgroup_free(hd_cgroup *cg) {

}
