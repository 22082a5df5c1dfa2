/* linux.resources written to cgroup v1 controller files. The OCI spec's
 * values are v1-shaped, so little converting happens here. Zero in an
 * optional limit means "not set", as the spec's Go origin has it. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_i64(const char *dir, const char *name, int64_t v,
                     hd_error_t *err) {
  return hd_cg_writef(dir, name, err, "%" PRId64, v);
}

/* memsw (memory+swap) must never be below the memory limit, so the order
 * of the two writes depends on whether limits grow or shrink. */
static int v1_memory_limits(const char *dir, const oci_memory *m,
                            hd_error_t *err) {
  bool limit = m->has_limit && m->limit != 0;
  bool swap = m->has_swap && m->swap != 0;
  if (swap && !hd_cg_exists(dir, "memory.memsw.limit_in_bytes")) {
    if (m->swap == -1) {
      hd_debug("cgroup: no swap accounting; unlimited swap needs nothing");
      swap = false;
    } else {
      return hd_error_set(err, 0,
                          "linux.resources.memory.swap: swap accounting is "
                          "off (no memory.memsw.limit_in_bytes)");
    }
  }
  if (swap && m->swap == -1 &&
      write_i64(dir, "memory.memsw.limit_in_bytes", -1, err) < 0)
    return -1;
  if (limit && write_i64(dir, "memory.limit_in_bytes", m->limit, err) < 0) {
    if (!swap || m->swap == -1)
      return -1;
    /* Growing past the current memsw: raise memsw first. */
    hd_error_free(err);
    if (write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, err) < 0 ||
        write_i64(dir, "memory.limit_in_bytes", m->limit, err) < 0)
      return -1;
    return 0;
  }
  if (swap && m->swap != -1 &&
      write_i64(dir, "memory.memsw.limit_in_bytes", m->swap, err) < 0)
    return -1;
  return 0;
}

/* Kernel memory limits are deprecated and gone from recent kernels. */
static void v1_kernel_memory(const char *dir, const oci_memory *m) {
  if (!m->has_kernel || m->kernel == 0)
    return;
  hd_error_t e = NULL;
  if (!hd_cg_exists(dir, "memory.kmem.limit_in_bytes"))
    hd_debug("cgroup: memory.kmem.limit_in_bytes missing; kernel limit "
             "ignored");
  else if (write_i64(dir, "memory.kmem.limit_in_bytes", m->kernel, &e) < 0)
    hd_debug("cgroup: kernel memory limit ignored: %s", e->msg);
  hd_error_free(&e);
}

int hd_cg_v1_memory(const char *dir, const oci_memory *m, hd_error_t *err) {
  if (m->has_reservation && m->reservation != 0 &&
      write_i64(dir, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
    return hd_cg_blame(err, "linux.resources.memory.reservation", NULL);
  if (v1_memory_limits(dir, m, err) < 0)
    return hd_cg_blame(err, "linux.resources.memory.limit/swap", NULL);
  v1_kernel_memory(dir, m);
  if (m->has_kernel_tcp && m->kernel_tcp != 0) {
    if (!hd_cg_exists(dir, "memory.kmem.tcp.limit_in_bytes"))
      hd_debug("cgroup: memory.kmem.tcp.limit_in_bytes missing; ignored");
    else if (write_i64(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp,
                       err) < 0)
      return -1;
  }
  if (m->has_swappiness) {
    if (m->swappiness > 100)
      return hd_error_set(
          err, 0, "linux.resources.memory.swappiness: %" PRIu64 " is above 100",
          m->swappiness);
    if (hd_cg_writef(dir, "memory.swappiness", err, "%" PRIu64, m->swappiness) <
        0)
      return -1;
  }
  if (m->has_disable_oom_killer && m->disable_oom_killer &&
      hd_cg_write(dir, "memory.oom_control", "1", err) < 0)
    return -1;
  return 0;
}

/* v1 checks quota/period as a pair at each write: the share may not go
 * above the parent's (kernel/sched/core.c, tg_cfs_schedulable_down).
 * Lowering the period while a quota is set passes through a higher
 * share, raising it with the quota first likewise; no one order suits
 * both, so the period goes first and, when the kernel refuses it, again
 * after the quota. */
static int v1_cfs_bandwidth(const char *dir, const oci_cpu *c,
                            hd_error_t *err) {
  bool period = c->has_period && c->period != 0;
  bool quota = c->has_quota && c->quota != 0;
  bool period_again = false;
  if (period &&
      hd_cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, c->period) < 0) {
    if (!quota || (*err)->errno_value != EINVAL)
      return -1;
    hd_error_free(err);
    period_again = true;
  }
  if (quota && write_i64(dir, "cpu.cfs_quota_us", c->quota, err) < 0)
    return -1;
  if (period_again &&
      hd_cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, c->period) < 0)
    return -1;
  return 0;
}

int hd_cg_v1_cpu(const char *dir, const oci_cpu *c, hd_error_t *err) {
  /* The runtime budget is checked against the period: period first. */
  if (c->has_realtime_period && c->realtime_period != 0 &&
      hd_cg_writef(dir, "cpu.rt_period_us", err, "%" PRIu64,
                   c->realtime_period) < 0)
    return -1;
  if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
      write_i64(dir, "cpu.rt_runtime_us", c->realtime_runtime, err) < 0)
    return -1;
  if (v1_cfs_bandwidth(dir, c, err) < 0)
    return hd_cg_blame(
        err, "linux.resources.cpu.quota/period",
        (*err)->errno_value == EINVAL
            ? "the period must be 1000 to 1000000 us, the quota at least 1000 "
              "us, and quota/period no more than the parent cgroup's"
            : NULL);
  if (c->has_burst &&
      hd_cg_writef(dir, "cpu.cfs_burst_us", err, "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_shares && c->shares != 0 &&
      hd_cg_writef(dir, "cpu.shares", err, "%" PRIu64, c->shares) < 0)
    return -1;
  if (c->has_idle && write_i64(dir, "cpu.idle", c->idle, err) < 0)
    return -1;
  return 0;
}

int hd_cg_v1_cpuset(const char *dir, const oci_cpu *c, hd_error_t *err) {
  if (c->cpus && *c->cpus && hd_cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
    return -1;
  if (c->mems && *c->mems && hd_cg_write(dir, "cpuset.mems", c->mems, err) < 0)
    return -1;
  return 0;
}

/* A new v1 cpuset starts with no cpus and no mems, and a task cannot be
 * attached to it; fill each level from its parent, top down. */
int hd_cg_v1_cpuset_prepare(const char *mountpoint, const char *dir,
                            hd_error_t *err) {
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  cleanup_free char *path = xstrdup(dir);
  size_t root_len = strlen(mountpoint);
  for (char *slash = path + root_len; slash && *slash;) {
    char *next = strchr(slash + 1, '/');
    if (next)
      *next = '\0';
    *slash = '\0';
    cleanup_free char *parent = xstrdup(path);
    *slash = '/';
    for (size_t i = 0; i < 2; i++) {
      cleanup_free char *mine = hd_cg_read(path, files[i], err);
      if (mine == NULL)
        return -1;
      if (*mine != '\0')
        continue;
      cleanup_free char *from = hd_cg_read(parent, files[i], err);
      if (from == NULL || hd_cg_write(path, files[i], from, err) < 0)
        return -1;
    }
    if (next)
      *next = '/';
    slash = next;
  }
  return 0;
}

int hd_cg_v1_pids(const char *dir, const oci_pids *p, hd_error_t *err) {
  if (!p->has_limit || p->limit <= 0)
    return hd_cg_write(dir, "pids.max", "max", err);
  return write_i64(dir, "pids.max", p->limit, err);
}

/* CFQ's blkio.weight is gone from recent kernels; BFQ offers its own. */
static const char *weight_file(const char *dir, const char *cfq,
                               const char *bfq) {
  return hd_cg_exists(dir, cfq) || !hd_cg_exists(dir, bfq) ? cfq : bfq;
}

static int v1_throttle(const char *dir, const char *name,
                       const oci_throttle_device *t, size_t n,
                       hd_error_t *err) {
  for (size_t i = 0; i < n; i++)
    if (hd_cg_writef(dir, name, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                     t[i].major, t[i].minor, t[i].rate) < 0)
      return -1;
  return 0;
}

static int v1_weight_devices(const char *dir, const oci_blkio *b,
                             hd_error_t *err) {
  const char *wfile =
      weight_file(dir, "blkio.weight_device", "blkio.bfq.weight_device");
  for (size_t i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *w = &b->weight_device[i];
    if (w->has_weight &&
        hd_cg_writef(dir, wfile, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                     w->minor, (unsigned)w->weight) < 0)
      return -1;
    if (w->has_leaf_weight &&
        hd_cg_writef(dir, "blkio.leaf_weight_device", err,
                     "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
                     (unsigned)w->leaf_weight) < 0)
      return -1;
  }
  return 0;
}

int hd_cg_v1_blkio(const char *dir, const oci_blkio *b, hd_error_t *err) {
  if (b->has_weight && b->weight != 0 &&
      hd_cg_writef(dir, weight_file(dir, "blkio.weight", "blkio.bfq.weight"),
                   err, "%u", (unsigned)b->weight) < 0)
    return -1;
  if (b->has_leaf_weight && b->leaf_weight != 0 &&
      hd_cg_writef(dir, "blkio.leaf_weight", err, "%u",
                   (unsigned)b->leaf_weight) < 0)
    return -1;
  if (v1_weight_devices(dir, b, err) < 0)
    return -1;
  if (v1_throttle(dir, "blkio.throttle.read_bps_device",
                  b->throttle_read_bps_device, b->throttle_read_bps_device_len,
                  err) < 0 ||
      v1_throttle(dir, "blkio.throttle.write_bps_device",
                  b->throttle_write_bps_device,
                  b->throttle_write_bps_device_len, err) < 0 ||
      v1_throttle(dir, "blkio.throttle.read_iops_device",
                  b->throttle_read_iops_device,
                  b->throttle_read_iops_device_len, err) < 0 ||
      v1_throttle(dir, "blkio.throttle.write_iops_device",
                  b->throttle_write_iops_device,
                  b->throttle_write_iops_device_len, err) < 0)
    return -1;
  return 0;
}

int hd_cg_v1_hugetlb(const char *dir, const oci_hugepage_limit *l,
                     hd_error_t *err) {
  if (hd_cg_check_page_size(l, err) < 0)
    return -1;
  cleanup_free char *name =
      xasprintf("hugetlb.%s.limit_in_bytes", l->page_size);
  if (hd_cg_writef(dir, name, err, "%" PRIu64, l->limit) < 0)
    return hd_cg_blame(err, "linux.resources.hugepageLimits", NULL);
  return 0;
}

/* "c 1:3 rwm"; "a" alone stands for every device and access. */
static char *v1_rule(const oci_device_cgroup *d, hd_error_t *err) {
  char type = d->type ? d->type : 'a';
  const char *access = d->access ? d->access : "rwm";
  if (strchr("abc", type) == NULL)
    goto bad;
  if (*access == '\0' || strspn(access, "rwm") != strlen(access))
    goto bad;
  if (type == 'a')
    return xstrdup("a");
  char major[24] = "*", minor[24] = "*";
  if (d->has_major && d->major >= 0)
    snprintf(major, sizeof major, "%" PRId64, d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf(minor, sizeof minor, "%" PRId64, d->minor);
  return xasprintf("%c %s:%s %s", type, major, minor, access);
bad:
  hd_error_set(err, 0,
               "linux.resources.devices: invalid rule (type '%c', access "
               "\"%s\")",
               type, access);
  return NULL;
}

int hd_cg_v1_devices(const char *dir, const oci_device_cgroup *rules, size_t n,
                     hd_error_t *err) {
  if (hd_cg_write(dir, "devices.deny", "a", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    cleanup_free char *rule = v1_rule(&rules[i], err);
    if (rule == NULL)
      return -1;
    const char *file = rules[i].allow ? "devices.allow" : "devices.deny";
    if (hd_cg_write(dir, file, rule, err) < 0)
      return hd_error_wrap(err, "device rule \"%s\"", rule);
  }
  return 0;
}

/* Writes the state and waits (about five seconds at most) until the
 * kernel reports it; FREEZING can stall, so the request is repeated. */
int hd_cg_v1_freeze(const char *dir, bool frozen, hd_error_t *err) {
  const char *want = frozen ? "FROZEN" : "THAWED";
  for (int attempt = 0; attempt < 110; attempt++) {
    if (attempt % 10 == 0 && hd_cg_write(dir, "freezer.state", want, err) < 0)
      return -1;
    cleanup_free char *state = hd_cg_read(dir, "freezer.state", err);
    if (state == NULL)
      return -1;
    if (strcmp(state, want) == 0)
      return 0;
    hd_cg_nap(attempt);
  }
  if (frozen) {
    hd_error_t ignored = NULL;
    hd_cg_write(dir, "freezer.state", "THAWED", &ignored);
    hd_error_free(&ignored);
  }
  return hd_error_set(err, ETIMEDOUT, "waiting for freezer.state %s", want);
}
