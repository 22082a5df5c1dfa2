/* The overlay's cgroup rules: where the container's cgroup may be
 * (cgroup-path) and what linux.resources.unified may write there
 * (cgroup-unified). Pure, like the rest of the overlay: the resolved path
 * and the host's cgroup v2 controllers come in as host facts.
 *
 * That the cgroup is a new leaf, never an existing one, cannot be judged
 * here: only mkdir can say it atomically, so cgroup.c refuses an existing
 * directory under the same rule name. */
#define _GNU_SOURCE
#include "overlay-internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cgroup-path ---- */

/* A plain entry admits what is strictly below it; one with glob
 * characters is matched against the whole path ('*' spans '/'). */
static bool parent_admits(const char *entry, const char *path) {
  if (strpbrk(entry, "*?["))
    return fnmatch(entry, path, 0) == 0;
  return hd_path_within(path, entry) && strcmp(path, entry) != 0;
}

/* Absolute, no empty, "." or ".." component: what cgroup.c resolves is
 * already so; checked again because the rule is only as good as its
 * input. */
static bool clean_cgroup_path(const char *path) {
  if (path[0] != '/' || path[1] == '\0')
    return false;
  for (const char *c = path; *c; c += strcspn(c, "/")) {
    c++;
    size_t n = strcspn(c, "/");
    if (n == 0 || (n == 1 && c[0] == '.') ||
        (n == 2 && c[0] == '.' && c[1] == '.'))
      return false;
  }
  return true;
}

int hd_ov_cgroup_path(hd_ov *c) {
  const char *path = c->host ? c->host->cgroup_path : NULL;
  if (path == NULL)
    return 0; /* `check` without a runtime: nothing resolved to judge */
  if (!clean_cgroup_path(path))
    return hd_ov_refuse(c, "cgroup-path", "linux.cgroupsPath",
                        "\"%s\": empty, \".\" and \"..\" components are "
                        "not allowed",
                        path);
  const hd_policy *p = c->policy;
  for (size_t i = 0; i < p->cgroup_parents_len; i++)
    if (parent_admits(p->cgroup_parents[i], path))
      return 0;
  cleanup_free char *allowed =
      hd_strv_join(p->cgroup_parents, p->cgroup_parents_len);
  return hd_ov_refuse(c, "cgroup-path", "linux.cgroupsPath",
                      "\"%s\" is not below a parent the policy allows "
                      "(cgroup_parents: %s)",
                      path, allowed);
}

/* ---- cgroup-unified ---- */

static bool word_in_list(const char *list, const char *word, size_t len) {
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, " \n");
    if (n == len && strncmp(p, word, len) == 0)
      return true;
    p += n;
    p += strspn(p, " \n");
  }
  return false;
}

/* A plain decimal, as the kernel would read it; "max" and the like are
 * not numbers. */
static bool parse_u64(const char *s, uint64_t *out) {
  if (s == NULL || *s < '0' || *s > '9')
    return false;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end != '\0')
    return false;
  *out = v;
  return true;
}

/* The key names a resource file of the container's own cgroup:
 * "<controller>.<file>", no path, not an interface file. */
static int check_unified_name(hd_ov *c, const char *field, const char *key) {
  const char *dot = strchr(key, '.');
  if (dot == NULL || dot == key || dot[1] == '\0' || strchr(key, '/') ||
      strstr(key, ".."))
    return hd_ov_refuse(c, "cgroup-unified", field,
                        "is not a <controller>.<file> name of the "
                        "container's cgroup");
  if (strncmp(key, "cgroup.", 7) == 0)
    return hd_ov_refuse(c, "cgroup-unified", field,
                        "is a cgroup interface file, not a resource");
  /* A partition or exclusive CPUs are taken away from the parent, so
   * from the host's other cgroups too. */
  if (strncmp(key, "cpuset.cpus.partition", 21) == 0 ||
      strncmp(key, "cpuset.cpus.exclusive", 21) == 0)
    return hd_ov_refuse(c, "cgroup-unified", field,
                        "would take CPUs from cgroups outside the "
                        "container's");
  const char *have = c->host ? c->host->cgroup_v2_controllers : NULL;
  size_t clen = (size_t)(dot - key);
  if (have && !word_in_list(have, key, clen))
    return hd_ov_refuse(c, "cgroup-unified", field,
                        "names the %.*s controller, which the container's "
                        "cgroup v2 does not have (%s%s)",
                        (int)clen, key, *have ? "available: " : "",
                        *have ? have : "this host mounts no cgroup v2");
  return 0;
}

static int over_limit(hd_ov *c, const char *field, const char *value,
                      const char *key, uint64_t max) {
  return hd_ov_refuse(c, "cgroup-unified", field,
                      "\"%s\" is above the policy's %s %" PRIu64, value, key,
                      max);
}

/* cpu.max is "QUOTA PERIOD"; the cap is a share, QUOTA/PERIOD, so the
 * period must be given: the kernel's current one is not known here. */
static int check_cpu_max(hd_ov *c, const char *field, const char *value) {
  uint64_t cap = c->policy->cpu_max_quota;
  cleanup_free char *copy = xstrdup(value ? value : "");
  char *space = strchr(copy, ' ');
  uint64_t quota, period;
  if (space)
    *space = '\0';
  if (space == NULL || !parse_u64(copy, &quota) ||
      !parse_u64(space + 1, &period) || quota == 0 || period == 0)
    return hd_ov_refuse(c, "cgroup-unified", field,
                        "\"%s\": with the policy's cpu_max, give \"QUOTA "
                        "PERIOD\" in microseconds",
                        value ? value : "");
  if (quota > UINT64_MAX / 100000 || quota * 100000 > cap * period)
    return hd_ov_refuse(c, "cgroup-unified", field,
                        "\"%s\" is above the policy's cpu_max (%" PRIu64
                        " per 100000)",
                        value, cap);
  return 0;
}

/* unified cannot lift what the overlay enforces through the typed
 * fields: pids_max always, memory_max and cpu_max when the policy sets
 * them. A value within the limit is kept (it can only be lower). */
static int check_unified_limit(hd_ov *c, const char *field, const char *key,
                               const char *value) {
  const hd_policy *p = c->policy;
  uint64_t v;
  if (strcmp(key, "pids.max") == 0) {
    if (!parse_u64(value, &v) || v == 0 || v > (uint64_t)p->pids_max)
      return over_limit(c, field, value ? value : "", "pids_max",
                        (uint64_t)p->pids_max);
    return 0;
  }
  if (p->memory_max &&
      (strcmp(key, "memory.max") == 0 || strcmp(key, "memory.swap.max") == 0)) {
    if (!parse_u64(value, &v) || v > p->memory_max)
      return over_limit(c, field, value ? value : "", "memory_max",
                        p->memory_max);
    return 0;
  }
  if (p->cpu_max_quota && strcmp(key, "cpu.max") == 0)
    return check_cpu_max(c, field, value);
  return 0;
}

int hd_ov_unified(hd_ov *c, oci_resources *r) {
  for (size_t i = 0; i < r->unified_len; i++) {
    const char *key = r->unified[i].key ? r->unified[i].key : "";
    cleanup_free char *field =
        xasprintf("linux.resources.unified[\"%s\"]", key);
    if (check_unified_name(c, field, key) < 0 ||
        check_unified_limit(c, field, key, r->unified[i].value) < 0)
      return -1;
  }
  return 0;
}

/* ---- fields cgroup v2 has no file for ---- */

static bool on_v2(const hd_ov *c, const char *controller) {
  const char *have = c->host ? c->host->cgroup_v2_controllers : NULL;
  return have && word_in_list(have, controller, strlen(controller));
}

static void ignored_on_v2(hd_ov *c, const char *field, char *requested) {
  hd_ov_record(c, "unsupported", field, requested,
               "(dropped: cgroup v2 has no such setting)");
  free(requested);
}

/* Where the controller is on cgroup v2, these fields of the v1-shaped
 * spec have nothing to be written to. They are dropped from the hardened
 * spec with a record, rather than skipped quietly by the writer. */
void hd_ov_v2_ignored(hd_ov *c, oci_resources *r) {
  oci_memory *m = r->memory;
  if (m && on_v2(c, "memory")) {
    if (m->has_kernel && m->kernel != 0)
      ignored_on_v2(c, "linux.resources.memory.kernel",
                    xasprintf("%" PRId64, m->kernel));
    if (m->has_kernel_tcp && m->kernel_tcp != 0)
      ignored_on_v2(c, "linux.resources.memory.kernelTCP",
                    xasprintf("%" PRId64, m->kernel_tcp));
    if (m->has_swappiness)
      ignored_on_v2(c, "linux.resources.memory.swappiness",
                    xasprintf("%" PRIu64, m->swappiness));
    if (m->has_disable_oom_killer && m->disable_oom_killer)
      ignored_on_v2(c, "linux.resources.memory.disableOOMKiller",
                    xstrdup("true"));
    m->has_kernel = m->has_kernel_tcp = m->has_swappiness = false;
    m->has_disable_oom_killer = false;
  }
  oci_blkio *b = r->block_io;
  if (b == NULL || !on_v2(c, "io"))
    return;
  if (b->has_leaf_weight)
    ignored_on_v2(c, "linux.resources.blockIO.leafWeight",
                  xasprintf("%u", (unsigned)b->leaf_weight));
  b->has_leaf_weight = false;
  for (size_t i = 0; i < b->weight_device_len; i++) {
    oci_weight_device *w = &b->weight_device[i];
    if (w->has_leaf_weight)
      ignored_on_v2(c, "linux.resources.blockIO.weightDevice.leafWeight",
                    xasprintf("%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
                              (unsigned)w->leaf_weight));
    w->has_leaf_weight = false;
  }
}
