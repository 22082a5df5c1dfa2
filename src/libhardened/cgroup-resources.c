/* linux.resources applied to the container's cgroup: each resource goes
 * to the hierarchy that has its controller, written by the v1 or v2
 * writers (cgroup-v1.c, cgroup-v2.c, cgroup-v2-devices.c). */
#define _GNU_SOURCE
#include "cgroup-internal.h"

#include <stdlib.h>
#include <string.h>

/* Where a resource for this controller goes: its v1 hierarchy, else the
 * cgroup2 one. NULL with *err naming the resource when neither has it. */
static const char *pick_dir(hd_cgroup *cg, const char *v1_name,
                            const char *v2_name, const char *what, bool *v2,
                            hd_error_t *err) {
  const hd_cg_dir *d = hd_cg_v1_dir(cg, v1_name);
  *v2 = d == NULL;
  if (d)
    return d->dir;
  bool failed;
  d = hd_cg_v2_dir_for(cg, v2_name, err, &failed);
  if (d)
    return d->dir;
  if (!failed)
    hd_error_set(err, 0, "%s: %s controller not available", what, v1_name);
  return NULL;
}

static bool cpu_wanted(const oci_cpu *c) {
  return c->has_shares || c->has_quota || c->has_burst || c->has_period ||
         c->has_realtime_runtime || c->has_realtime_period || c->has_idle;
}

static bool cpuset_wanted(const oci_cpu *c) {
  return (c->cpus && *c->cpus) || (c->mems && *c->mems);
}

typedef int (*writer_fn)(const char *dir, const void *res, hd_error_t *err);

static int apply_with(hd_cgroup *cg, const char *v1_name, const char *v2_name,
                      const char *what, writer_fn v1_fn, writer_fn v2_fn,
                      const void *res, hd_error_t *err) {
  bool v2;
  const char *dir = pick_dir(cg, v1_name, v2_name, what, &v2, err);
  if (dir == NULL)
    return -1;
  return (v2 ? v2_fn : v1_fn)(dir, res, err);
}

static int apply_devices(hd_cgroup *cg, const oci_resources *r,
                         hd_error_t *err) {
  const hd_cg_dir *d = hd_cg_v1_dir(cg, "devices");
  if (d)
    return hd_cg_v1_devices(d->dir, r->devices, r->devices_len, err);
  if (cg->v2_dir >= 0) /* a BPF filter needs no controller */
    return hd_cg_v2_devices(cg->dirs[cg->v2_dir].dir, r->devices,
                            r->devices_len, err);
  return hd_error_set(err, 0,
                      "linux.resources.devices: devices controller not "
                      "available");
}

static int apply_hugetlb(hd_cgroup *cg, const oci_resources *r,
                         hd_error_t *err) {
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    if (apply_with(cg, "hugetlb", "hugetlb", "linux.resources.hugepageLimits",
                   (writer_fn)hd_cg_v1_hugetlb, (writer_fn)hd_cg_v2_hugetlb,
                   &r->hugepage_limits[i], err) < 0)
      return -1;
  return 0;
}

static int apply_unified(hd_cgroup *cg, const oci_resources *r,
                         hd_error_t *err) {
  if (cg->v2_dir < 0)
    return hd_error_set(err, 0,
                        "linux.resources.unified: needs cgroup v2, which "
                        "this host does not mount");
  /* "memory.high" needs the memory controller enabled above us. */
  for (size_t i = 0; i < r->unified_len; i++) {
    const char *key = r->unified[i].key ? r->unified[i].key : "";
    cleanup_free char *ctrl = strndup(key, strcspn(key, "."));
    bool failed;
    if (ctrl && *ctrl && strcmp(ctrl, "cgroup") != 0 &&
        hd_cg_v2_dir_for(cg, ctrl, err, &failed) == NULL && failed)
      return -1;
  }
  return hd_cg_v2_unified(cg->dirs[cg->v2_dir].dir, r->unified, r->unified_len,
                          err);
}

int hd_cgroup_apply_resources(hd_cgroup *cg, const oci_resources *r,
                              hd_error_t *err) {
  if (r == NULL)
    return 0;
  if (hd_cg_require_owned(cg, err) < 0)
    return -1;
  if (r->cpu && cpu_wanted(r->cpu) &&
      apply_with(cg, "cpu", "cpu", "linux.resources.cpu",
                 (writer_fn)hd_cg_v1_cpu, (writer_fn)hd_cg_v2_cpu, r->cpu,
                 err) < 0)
    return -1;
  if (r->cpu && cpuset_wanted(r->cpu) &&
      apply_with(cg, "cpuset", "cpuset", "linux.resources.cpu.cpus/mems",
                 (writer_fn)hd_cg_v1_cpuset, (writer_fn)hd_cg_v2_cpuset, r->cpu,
                 err) < 0)
    return -1;
  if (r->memory && apply_with(cg, "memory", "memory", "linux.resources.memory",
                              (writer_fn)hd_cg_v1_memory,
                              (writer_fn)hd_cg_v2_memory, r->memory, err) < 0)
    return -1;
  if (r->pids && apply_with(cg, "pids", "pids", "linux.resources.pids",
                            (writer_fn)hd_cg_v1_pids, (writer_fn)hd_cg_v2_pids,
                            r->pids, err) < 0)
    return -1;
  if (r->block_io && apply_with(cg, "blkio", "io", "linux.resources.blockIO",
                                (writer_fn)hd_cg_v1_blkio,
                                (writer_fn)hd_cg_v2_io, r->block_io, err) < 0)
    return -1;
  if (apply_hugetlb(cg, r, err) < 0)
    return -1;
  /* No rules at all means the spec asks for no device policy. */
  if (r->devices_len > 0 && apply_devices(cg, r, err) < 0)
    return -1;
  if (r->unified_len > 0 && apply_unified(cg, r, err) < 0)
    return -1;
  return 0;
}
