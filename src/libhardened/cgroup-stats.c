/* Statistics for `events`, read from whichever hierarchy holds each
 * controller: a v1 controller's own hierarchy, else the cgroup2 dir.
 * Missing files read as zero: kernels differ in what they offer, and a
 * stats reader must not fail for one absent counter. */
#define _GNU_SOURCE
#include "cgroup-internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_quiet(const char *dir, const char *name) {
  hd_error_t err = NULL;
  char *s = dir ? hd_cg_read(dir, name, &err) : NULL;
  hd_error_free(&err);
  return s;
}

/* "max" (v2's unlimited) and absent files read as 0. */
static uint64_t read_u64(const char *dir, const char *name) {
  cleanup_free char *s = read_quiet(dir, name);
  return s ? strtoull(s, NULL, 10) : 0;
}

/* The value of `key` in a "key value" per line file. */
static uint64_t keyed_u64(const char *text, const char *key) {
  size_t klen = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
      return strtoull(p + klen + 1, NULL, 10);
  return 0;
}

static void add_raw(oci_stats *s, const char *key, uint64_t value) {
  s->memory_raw = xrealloc(s->memory_raw, (s->memory_raw_len + 1) * sizeof *s->memory_raw);
  s->memory_raw[s->memory_raw_len++] = (oci_stat_kv){xstrdup(key), value};
}

static void read_memory_raw(oci_stats *s, const char *dir) {
  cleanup_free char *text = read_quiet(dir, "memory.stat");
  char *save = NULL;
  for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
       line = strtok_r(NULL, "\n", &save)) {
    char key[128];
    uint64_t v;
    if (sscanf(line, "%127s %" SCNu64, key, &v) == 2)
      add_raw(s, key, v);
  }
}

static const char *v2_dir(const hd_cgroup *cg) {
  return cg->v2_dir >= 0 ? cg->dirs[cg->v2_dir].dir : NULL;
}

static void v1_cpu(oci_stats *s, const char *acct, const char *cpu) {
  s->cpu_total = read_u64(acct, "cpuacct.usage");
  cleanup_free char *percpu = read_quiet(acct, "cpuacct.usage_percpu");
  for (char *p = percpu, *end; p && *p; p = end) {
    uint64_t v = strtoull(p, &end, 10);
    if (end == p)
      break;
    s->cpu_percpu = xrealloc(s->cpu_percpu, (s->cpu_percpu_len + 1) * sizeof(uint64_t));
    s->cpu_percpu[s->cpu_percpu_len++] = v;
  }
  cleanup_free char *stat = read_quiet(acct, "cpuacct.stat");
  uint64_t ns_per_tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
  s->cpu_user = keyed_u64(stat, "user") * ns_per_tick;
  s->cpu_kernel = keyed_u64(stat, "system") * ns_per_tick;
  cleanup_free char *throttle = read_quiet(cpu, "cpu.stat");
  s->throttling_periods = keyed_u64(throttle, "nr_periods");
  s->throttled_periods = keyed_u64(throttle, "nr_throttled");
  s->throttled_time = keyed_u64(throttle, "throttled_time");
}

static void v2_cpu(oci_stats *s, const char *dir) {
  cleanup_free char *stat = read_quiet(dir, "cpu.stat");
  s->cpu_total = keyed_u64(stat, "usage_usec") * 1000;
  s->cpu_user = keyed_u64(stat, "user_usec") * 1000;
  s->cpu_kernel = keyed_u64(stat, "system_usec") * 1000;
  s->throttling_periods = keyed_u64(stat, "nr_periods");
  s->throttled_periods = keyed_u64(stat, "nr_throttled");
  s->throttled_time = keyed_u64(stat, "throttled_usec") * 1000;
}

static void v1_memory(oci_stats *s, const char *dir) {
  s->memory = (oci_memory_entry){
      .usage = read_u64(dir, "memory.usage_in_bytes"),
      .max = read_u64(dir, "memory.max_usage_in_bytes"),
      .failcnt = read_u64(dir, "memory.failcnt"),
      .limit = read_u64(dir, "memory.limit_in_bytes")};
  s->swap = (oci_memory_entry){
      .usage = read_u64(dir, "memory.memsw.usage_in_bytes"),
      .max = read_u64(dir, "memory.memsw.max_usage_in_bytes"),
      .failcnt = read_u64(dir, "memory.memsw.failcnt"),
      .limit = read_u64(dir, "memory.memsw.limit_in_bytes")};
  s->kernel = (oci_memory_entry){
      .usage = read_u64(dir, "memory.kmem.usage_in_bytes"),
      .max = read_u64(dir, "memory.kmem.max_usage_in_bytes"),
      .failcnt = read_u64(dir, "memory.kmem.failcnt"),
      .limit = read_u64(dir, "memory.kmem.limit_in_bytes")};
  read_memory_raw(s, dir);
  cleanup_free char *oom = read_quiet(dir, "memory.oom_control");
  s->oom_kills = keyed_u64(oom, "oom_kill");
  for (size_t i = 0; i < s->memory_raw_len; i++)
    if (strcmp(s->memory_raw[i].key, "total_cache") == 0)
      s->memory_cache = s->memory_raw[i].value;
}

static void v2_memory(oci_stats *s, const char *dir) {
  s->memory = (oci_memory_entry){.usage = read_u64(dir, "memory.current"),
                                 .max = read_u64(dir, "memory.peak"),
                                 .limit = read_u64(dir, "memory.max")};
  s->swap = (oci_memory_entry){.usage = read_u64(dir, "memory.swap.current"),
                               .max = read_u64(dir, "memory.swap.peak"),
                               .limit = read_u64(dir, "memory.swap.max")};
  read_memory_raw(s, dir);
  for (size_t i = 0; i < s->memory_raw_len; i++)
    if (strcmp(s->memory_raw[i].key, "file") == 0)
      s->memory_cache = s->memory_raw[i].value;
  cleanup_free char *events = read_quiet(dir, "memory.events");
  s->oom_kills = keyed_u64(events, "oom_kill");
  s->memory.failcnt = keyed_u64(events, "max");
}

static void add_blkio(oci_blkio_entry **list, size_t *n, uint64_t major,
                      uint64_t minor, const char *op, uint64_t value) {
  *list = xrealloc(*list, (*n + 1) * sizeof **list);
  (*list)[(*n)++] = (oci_blkio_entry){major, minor, xstrdup(op), value};
}

/* v1: "8:0 Read 4096" lines. */
static void v1_blkio_file(const char *dir, const char *name,
                          oci_blkio_entry **list, size_t *n) {
  cleanup_free char *text = read_quiet(dir, name);
  char *save = NULL;
  for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
       line = strtok_r(NULL, "\n", &save)) {
    uint64_t major, minor, v;
    char op[32];
    if (sscanf(line, "%" SCNu64 ":%" SCNu64 " %31s %" SCNu64, &major, &minor,
               op, &v) == 4)
      add_blkio(list, n, major, minor, op, v);
  }
}

/* v2: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." lines. */
static void v2_io(oci_stats *s, const char *dir) {
  cleanup_free char *text = read_quiet(dir, "io.stat");
  char *save = NULL;
  for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
       line = strtok_r(NULL, "\n", &save)) {
    uint64_t major, minor;
    if (sscanf(line, "%" SCNu64 ":%" SCNu64, &major, &minor) != 2)
      continue;
    const char *r = strstr(line, "rbytes="), *w = strstr(line, "wbytes=");
    const char *ri = strstr(line, "rios="), *wi = strstr(line, "wios=");
    if (r)
      add_blkio(&s->io_service_bytes, &s->io_service_bytes_len, major, minor, "Read", strtoull(r + 7, NULL, 10));
    if (w)
      add_blkio(&s->io_service_bytes, &s->io_service_bytes_len, major, minor, "Write", strtoull(w + 7, NULL, 10));
    if (ri)
      add_blkio(&s->io_serviced, &s->io_serviced_len, major, minor, "Read", strtoull(ri + 5, NULL, 10));
    if (wi)
      add_blkio(&s->io_serviced, &s->io_serviced_len, major, minor, "Write", strtoull(wi + 5, NULL, 10));
  }
}

static void pids(oci_stats *s, const char *dir) {
  s->pids_current = read_u64(dir, "pids.current");
  s->pids_limit = read_u64(dir, "pids.max");
}

int hd_cgroup_stats(hd_cgroup *cg, oci_stats *s, hd_error_t *err) {
  *s = (oci_stats){0};
  const hd_cg_dir *d;
  const char *v2 = v2_dir(cg);
  const hd_cg_dir *acct = hd_cg_v1_dir(cg, "cpuacct");
  if (acct) {
    const hd_cg_dir *cpu = hd_cg_v1_dir(cg, "cpu");
    v1_cpu(s, acct->dir, cpu ? cpu->dir : NULL);
  } else if (v2)
    v2_cpu(s, v2);
  if ((d = hd_cg_v1_dir(cg, "memory")) != NULL)
    v1_memory(s, d->dir);
  else if (v2)
    v2_memory(s, v2);
  if ((d = hd_cg_v1_dir(cg, "pids")) != NULL)
    pids(s, d->dir);
  else if (v2)
    pids(s, v2);
  if ((d = hd_cg_v1_dir(cg, "blkio")) != NULL) {
    v1_blkio_file(d->dir, "blkio.throttle.io_service_bytes", &s->io_service_bytes,
                  &s->io_service_bytes_len);
    v1_blkio_file(d->dir, "blkio.throttle.io_serviced", &s->io_serviced,
                  &s->io_serviced_len);
  } else if (v2)
    v2_io(s, v2);
  (void)err;
  return 0;
}
