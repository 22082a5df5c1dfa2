/* linux.resources written to cgroup v2 files. The spec's values are
 * v1-shaped; the conversions follow the kernel's cgroup-v2 documentation
 * and the runtime-spec's notes on the unified hierarchy. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -1 is the spec's "unlimited"; v2 spells it "max". */
static int write_limit(const char *dir, const char *name, int64_t v,
                       hd_error_t *err) {
  if (v < 0)
    return hd_cg_write(dir, name, "max", err);
  return hd_cg_writef(dir, name, err, "%" PRId64, v);
}

/* v1's memsw is memory plus swap; v2's swap.max is swap alone. */
static int v2_swap(const char *dir, const oci_memory *m, hd_error_t *err) {
  if (!m->has_swap || m->swap == 0)
    return 0;
  int64_t swap_only = -1;
  if (m->swap != -1) {
    if (!m->has_limit || m->limit <= 0)
      return hd_error_set(err, 0,
                          "linux.resources.memory.swap: needs a memory limit "
                          "on cgroup v2");
    if (m->swap < m->limit)
      return hd_error_set(err, 0,
                          "linux.resources.memory.swap: %" PRId64
                          " is below the memory limit %" PRId64,
                          m->swap, m->limit);
    swap_only = m->swap - m->limit;
  }
  if (swap_only < 0 && !hd_cg_exists(dir, "memory.swap.max")) {
    hd_debug("cgroup: no memory.swap.max; unlimited swap needs nothing");
    return 0;
  }
  if (write_limit(dir, "memory.swap.max", swap_only, err) < 0)
    return hd_cg_blame(err, "linux.resources.memory.swap", NULL);
  return 0;
}

int hd_cg_v2_memory(const char *dir, const oci_memory *m, hd_error_t *err) {
  if (m->has_reservation && m->reservation != 0 &&
      write_limit(dir, "memory.low", m->reservation, err) < 0)
    return hd_cg_blame(err, "linux.resources.memory.reservation", NULL);
  if (m->has_limit && m->limit != 0 &&
      write_limit(dir, "memory.max", m->limit, err) < 0)
    return hd_cg_blame(err, "linux.resources.memory.limit", NULL);
  if (v2_swap(dir, m, err) < 0)
    return -1;
  if ((m->has_kernel && m->kernel != 0) ||
      (m->has_kernel_tcp && m->kernel_tcp != 0))
    hd_debug("cgroup: kernel memory limits do not exist on v2; ignored");
  if (m->has_swappiness)
    hd_debug("cgroup: memory.swappiness does not exist on v2; ignored");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    hd_debug("cgroup: v2 cannot disable the OOM killer; ignored");
  return 0;
}

static int v2_cpu_max(const char *dir, const oci_cpu *c, hd_error_t *err) {
  bool quota = c->has_quota && c->quota != 0;
  bool period = c->has_period && c->period != 0;
  if (!quota && !period)
    return 0;
  char q[24] = "max";
  if (quota && c->quota > 0)
    snprintf(q, sizeof q, "%" PRId64, c->quota);
  if (!period) /* the kernel keeps the current period */
    return hd_cg_write(dir, "cpu.max", q, err);
  return hd_cg_writef(dir, "cpu.max", err, "%s %" PRIu64, q, c->period);
}

int hd_cg_v2_cpu(const char *dir, const oci_cpu *c, hd_error_t *err) {
  if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
      (c->has_realtime_period && c->realtime_period != 0))
    return hd_error_set(err, 0,
                        "linux.resources.cpu.realtimeRuntime/Period: not "
                        "supported by cgroup v2");
  if (c->has_shares && c->shares != 0 &&
      hd_cg_writef(dir, "cpu.weight", err, "%" PRIu64,
                   hd_cg_shares_to_weight(c->shares)) < 0)
    return -1;
  if (v2_cpu_max(dir, c, err) < 0)
    return hd_cg_blame(err, "linux.resources.cpu.quota/period", NULL);
  if (c->has_burst &&
      hd_cg_writef(dir, "cpu.max.burst", err, "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_idle &&
      hd_cg_writef(dir, "cpu.idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  return 0;
}

int hd_cg_v2_cpuset(const char *dir, const oci_cpu *c, hd_error_t *err) {
  if (c->cpus && *c->cpus && hd_cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
    return -1;
  if (c->mems && *c->mems && hd_cg_write(dir, "cpuset.mems", c->mems, err) < 0)
    return -1;
  return 0;
}

int hd_cg_v2_pids(const char *dir, const oci_pids *p, hd_error_t *err) {
  int rc = !p->has_limit || p->limit <= 0
               ? hd_cg_write(dir, "pids.max", "max", err)
               : hd_cg_writef(dir, "pids.max", err, "%" PRId64, p->limit);
  return rc < 0 ? hd_cg_blame(err, "linux.resources.pids.limit", NULL) : 0;
}

/* blkio weights run 10..1000, io.weight 1..10000; io.bfq.weight keeps
 * the v1 range. */
static uint64_t blkio_to_io_weight(uint64_t w) {
  if (w < 10)
    w = 10;
  if (w > 1000)
    w = 1000;
  return 1 + (w - 10) * 9999 / 990;
}

/* where is "default" or "MAJ:MIN". */
static int v2_weight(const char *dir, const char *where, uint16_t weight,
                     hd_error_t *err) {
  if (!hd_cg_exists(dir, "io.weight") && hd_cg_exists(dir, "io.bfq.weight"))
    return hd_cg_writef(dir, "io.bfq.weight", err, "%s %u", where,
                        (unsigned)weight);
  return hd_cg_writef(dir, "io.weight", err, "%s %" PRIu64, where,
                      blkio_to_io_weight(weight));
}

static int v2_throttle(const char *dir, const char *key,
                       const oci_throttle_device *t, size_t n,
                       hd_error_t *err) {
  for (size_t i = 0; i < n; i++)
    if (hd_cg_writef(dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
                     t[i].major, t[i].minor, key, t[i].rate) < 0)
      return -1;
  return 0;
}

int hd_cg_v2_io(const char *dir, const oci_blkio *b, hd_error_t *err) {
  if (b->has_weight && b->weight != 0 &&
      v2_weight(dir, "default", b->weight, err) < 0)
    return -1;
  if (b->has_leaf_weight)
    hd_debug("cgroup: blockIO.leafWeight has no v2 equivalent; ignored");
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *w = &b->weight_device[i];
    char where[48];
    snprintf(where, sizeof where, "%" PRId64 ":%" PRId64, w->major, w->minor);
    if (w->has_weight && v2_weight(dir, where, w->weight, err) < 0)
      return -1;
  }
  if (v2_throttle(dir, "rbps", b->throttle_read_bps_device,
                  b->throttle_read_bps_device_len, err) < 0 ||
      v2_throttle(dir, "wbps", b->throttle_write_bps_device,
                  b->throttle_write_bps_device_len, err) < 0 ||
      v2_throttle(dir, "riops", b->throttle_read_iops_device,
                  b->throttle_read_iops_device_len, err) < 0 ||
      v2_throttle(dir, "wiops", b->throttle_write_iops_device,
                  b->throttle_write_iops_device_len, err) < 0)
    return -1;
  return 0;
}

int hd_cg_v2_hugetlb(const char *dir, const oci_hugepage_limit *l,
                     hd_error_t *err) {
  if (hd_cg_check_page_size(l, err) < 0)
    return -1;
  cleanup_free char *name = xasprintf("hugetlb.%s.max", l->page_size);
  if (hd_cg_writef(dir, name, err, "%" PRIu64, l->limit) < 0)
    return hd_cg_blame(err, "linux.resources.hugepageLimits", NULL);
  return 0;
}

int hd_cg_v2_unified(const char *dir, const oci_kv *kv, size_t n,
                     hd_error_t *err) {
  for (size_t i = 0; i < n; i++) {
    const char *key = kv[i].key ? kv[i].key : "";
    if (*key == '\0' || strchr(key, '/') || strstr(key, ".."))
      return hd_error_set(err, 0,
                          "linux.resources.unified: invalid key "
                          "\"%s\"",
                          key);
    if (hd_cg_write(dir, key, kv[i].value ? kv[i].value : "", err) < 0) {
      cleanup_free char *field =
          xasprintf("linux.resources.unified[\"%s\"]", key);
      return hd_cg_blame(err, field, NULL);
    }
  }
  return 0;
}

/* cgroup.events carries "frozen 0|1" once the kernel is done. */
static bool frozen_is(const char *dir, bool frozen, hd_error_t *err,
                      bool *failed) {
  cleanup_free char *events = hd_cg_read(dir, "cgroup.events", err);
  *failed = events == NULL;
  if (events == NULL)
    return false;
  const char *line = strstr(events, "frozen ");
  return line && (line[7] == '1') == frozen;
}

int hd_cg_v2_freeze(const char *dir, bool frozen, hd_error_t *err) {
  if (hd_cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  for (int attempt = 0; attempt < 110; attempt++) {
    bool failed;
    if (frozen_is(dir, frozen, err, &failed))
      return 0;
    if (failed)
      return -1;
    hd_cg_nap(attempt);
  }
  if (frozen) {
    hd_error_t ignored = NULL;
    hd_cg_write(dir, "cgroup.freeze", "0", &ignored);
    hd_error_free(&ignored);
  }
  return hd_error_set(err, ETIMEDOUT, "waiting for cgroup.events frozen %d",
                      frozen ? 1 : 0);
}
