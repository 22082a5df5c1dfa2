/* The hardening overlay. config.json is hostile: whatever it asks for,
 * what comes out of here is safe to set up exactly as written. This file
 * holds the driver and every rule but the mount rules (overlay-mounts.c).
 *
 * Pure: no syscalls. Whatever the overlay needs to know about the host
 * comes in as hd_host_facts. The input is never touched; the output is a
 * deep copy with the rules applied, plus one override record per change.
 *
 * Rule names (the <rule> in overrides and refusals) are stable API: they
 * appear in `hardened check`, the state file and the logs. */
#define _GNU_SOURCE
#include "overlay-fields.h"
#include "overlay-internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- overrides and small helpers ---- */

void hd_overrides_clear(hd_overrides *ov) {
  if (ov == NULL)
    return;
  for (size_t i = 0; i < ov->len; i++) {
    free(ov->items[i].rule);
    free(ov->items[i].field);
    free(ov->items[i].requested);
    free(ov->items[i].enforced);
  }
  free(ov->items);
  ov->items = NULL;
  ov->len = 0;
}

void hd_ov_record(hd_ov *c, const char *rule, const char *field,
                  const char *requested, const char *enforced) {
  hd_overrides *ov = c->ov;
  ov->items = xrealloc(ov->items, (ov->len + 1) * sizeof *ov->items);
  ov->items[ov->len++] = (oci_override){
      .rule = xstrdup(rule),
      .field = xstrdup(field),
      .requested = xstrdup(requested),
      .enforced = xstrdup(enforced),
  };
}

int hd_ov_refuse(hd_ov *c, const char *rule, const char *field,
                 const char *why_fmt, ...) {
  va_list ap;
  va_start(ap, why_fmt);
  char *why = NULL;
  if (vasprintf(&why, why_fmt, ap) < 0)
    abort();
  va_end(ap);
  hd_error_set(c->err, 0, "refused by policy (%s): %s %s", rule, field, why);
  free(why);
  return -1;
}

char *hd_strv_join(char *const *v, size_t n) {
  if (n == 0)
    return xstrdup("(none)");
  size_t len = 1;
  for (size_t i = 0; i < n; i++)
    len += strlen(v[i] ? v[i] : "") + 1;
  char *out = xcalloc(1, len);
  for (size_t i = 0; i < n; i++) {
    if (i)
      strcat(out, ",");
    strcat(out, v[i] ? v[i] : "");
  }
  return out;
}

bool hd_strv_has(char *const *v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (v[i] && strcmp(v[i], s) == 0)
      return true;
  return false;
}

void hd_strv_add(char ***v, size_t *n, const char *s) {
  *v = xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = xstrdup(s);
}

size_t hd_strv_remove(char **v, size_t *n, const char *s) {
  size_t len = strlen(s), kept = 0, gone = 0;
  bool prefix = len > 0 && s[len - 1] == '=';
  for (size_t i = 0; i < *n; i++) {
    bool match =
        v[i] && (prefix ? strncmp(v[i], s, len) == 0 : strcmp(v[i], s) == 0);
    if (match) {
      free(v[i]);
      gone++;
    } else {
      v[kept++] = v[i];
    }
  }
  *n = kept;
  return gone;
}

char *hd_path_clean(const char *p) {
  size_t len = strlen(p);
  char *out = xcalloc(1, len + 2);
  size_t o = 0;
  const char *c = p;
  while (*c) {
    while (*c == '/')
      c++;
    size_t n = strcspn(c, "/");
    if (n == 0)
      break;
    if (n == 2 && c[0] == '.' && c[1] == '.') {
      while (o > 0 && out[o - 1] != '/')
        o--;
      if (o > 0)
        o--; /* the slash before the dropped component */
    } else if (!(n == 1 && c[0] == '.')) {
      out[o++] = '/';
      memcpy(out + o, c, n);
      o += n;
    }
    c += n;
  }
  if (o == 0)
    out[o++] = '/';
  out[o] = '\0';
  return out;
}

bool hd_path_within(const char *a, const char *b) {
  if (strcmp(b, "/") == 0)
    return a[0] == '/';
  size_t lb = strlen(b);
  return strncmp(a, b, lb) == 0 && (a[lb] == '\0' || a[lb] == '/');
}

static char *u64_str(uint64_t v) {
  return xasprintf("%llu", (unsigned long long)v);
}

/* ---- invariant 1: non-root ---- */

static void non_root(hd_ov *c, oci_user *u) {
  if (u->uid == 0) {
    cleanup_free char *to = u64_str(c->policy->uid);
    hd_ov_record(c, "non-root", "process.user.uid", "0", to);
    u->uid = c->policy->uid;
  }
  if (u->gid == 0) {
    cleanup_free char *to = u64_str(c->policy->gid);
    hd_ov_record(c, "non-root", "process.user.gid", "0", to);
    u->gid = c->policy->gid;
  }
  size_t kept = 0;
  for (size_t i = 0; i < u->additional_gids_len; i++)
    if (u->additional_gids[i] != 0)
      kept++;
  if (kept == u->additional_gids_len)
    return;
  char **before = xcalloc(u->additional_gids_len + 1, sizeof(char *));
  char **after = xcalloc(kept + 1, sizeof(char *));
  size_t a = 0;
  for (size_t i = 0; i < u->additional_gids_len; i++) {
    before[i] = u64_str(u->additional_gids[i]);
    if (u->additional_gids[i] != 0) {
      after[a] = u64_str(u->additional_gids[i]);
      u->additional_gids[a++] = u->additional_gids[i];
    }
  }
  cleanup_free char *from = hd_strv_join(before, u->additional_gids_len);
  cleanup_free char *to = hd_strv_join(after, a);
  hd_ov_record(c, "non-root", "process.user.additionalGids", from, to);
  for (size_t i = 0; i < u->additional_gids_len; i++)
    free(before[i]);
  for (size_t i = 0; i < a; i++)
    free(after[i]);
  free(before);
  free(after);
  u->additional_gids_len = a;
}

/* ---- invariant 2: no capabilities ---- */

static void empty_cap_set(hd_ov *c, const char *name, char ***set,
                          size_t *len) {
  if (*len == 0)
    return;
  cleanup_free char *from = hd_strv_join(*set, *len);
  cleanup_free char *field = xasprintf("process.capabilities.%s", name);
  hd_ov_record(c, "no-capabilities", field, from, "(none)");
  for (size_t i = 0; i < *len; i++)
    free((*set)[i]);
  free(*set);
  *set = NULL;
  *len = 0;
}

static void no_capabilities(hd_ov *c, oci_process *p) {
  if (p->capabilities == NULL)
    p->capabilities = xcalloc(1, sizeof *p->capabilities);
  oci_capabilities *caps = p->capabilities;
  empty_cap_set(c, "bounding", &caps->bounding, &caps->bounding_len);
  empty_cap_set(c, "effective", &caps->effective, &caps->effective_len);
  empty_cap_set(c, "inheritable", &caps->inheritable, &caps->inheritable_len);
  empty_cap_set(c, "permitted", &caps->permitted, &caps->permitted_len);
  empty_cap_set(c, "ambient", &caps->ambient, &caps->ambient_len);
  if (!p->no_new_privileges) {
    hd_ov_record(c, "no-capabilities", "process.noNewPrivileges", "false",
                 "true");
    p->no_new_privileges = true;
  }
}

/* ---- limits: no core dumps (they land on the host, named by the host's
 * core_pattern), and the OOM killer may prefer us but not spare us. ---- */

static void process_limits(hd_ov *c, oci_process *p) {
  oci_rlimit *core = NULL;
  for (size_t i = 0; i < p->rlimits_len; i++)
    if (p->rlimits[i].type && strcmp(p->rlimits[i].type, "RLIMIT_CORE") == 0)
      core = &p->rlimits[i];
  if (core == NULL) {
    p->rlimits =
        xrealloc(p->rlimits, (p->rlimits_len + 1) * sizeof(oci_rlimit));
    core = &p->rlimits[p->rlimits_len++];
    *core = (oci_rlimit){.type = xstrdup("RLIMIT_CORE")};
    hd_ov_record(c, "limits", "process.rlimits[RLIMIT_CORE]", "(unset)", "0");
  } else if (core->soft != 0 || core->hard != 0) {
    cleanup_free char *from =
        xasprintf("%llu/%llu", (unsigned long long)core->soft,
                  (unsigned long long)core->hard);
    hd_ov_record(c, "limits", "process.rlimits[RLIMIT_CORE]", from, "0");
    core->soft = core->hard = 0;
  }
  if (p->has_oom_score_adj && p->oom_score_adj < 0) {
    cleanup_free char *from = xasprintf("%d", p->oom_score_adj);
    hd_ov_record(c, "limits", "process.oomScoreAdj", from, "0");
    p->oom_score_adj = 0;
  }
}

/* l: the container's linux section, NULL for exec (whose process joins
 * the container as it is). */
static int harden_process(hd_ov *c, oci_process *p, oci_linux *l) {
  non_root(c, &p->user);
  hd_ov_supplementary_groups(c, &p->user, l);
  hd_ov_own_session(c, p);
  no_capabilities(c, p);
  process_limits(c, p);
  hd_ov_lsm(c, p, l);
  return hd_ov_rlimits(c, p);
}

/* ---- invariant 5: pids limit, and the policy's optional caps ---- */

static void pids_limit(hd_ov *c, oci_resources *r, bool fill_missing) {
  int64_t max = c->policy->pids_max;
  bool has = r->pids && r->pids->has_limit;
  if (!has && !fill_missing)
    return; /* update without pids: the cgroup keeps its current value */
  if (r->pids == NULL)
    r->pids = xcalloc(1, sizeof *r->pids);
  if (has && r->pids->limit > 0 && r->pids->limit <= max)
    return;
  cleanup_free char *from =
      has ? xasprintf("%lld", (long long)r->pids->limit) : xstrdup("(unset)");
  cleanup_free char *to = xasprintf("%lld", (long long)max);
  hd_ov_record(c, "pids-limit", "linux.resources.pids.limit", from, to);
  r->pids->has_limit = true;
  r->pids->limit = max;
}

static void memory_max(hd_ov *c, oci_resources *r, bool fill_missing) {
  uint64_t max = c->policy->memory_max;
  bool has = r->memory && r->memory->has_limit;
  if (max == 0 || (!has && !fill_missing))
    return;
  if (r->memory == NULL)
    r->memory = xcalloc(1, sizeof *r->memory);
  if (has && r->memory->limit > 0 && (uint64_t)r->memory->limit <= max)
    return;
  cleanup_free char *from =
      has ? xasprintf("%lld", (long long)r->memory->limit) : xstrdup("(unset)");
  cleanup_free char *to = u64_str(max);
  hd_ov_record(c, "resources", "linux.resources.memory.limit", from, to);
  r->memory->has_limit = true;
  r->memory->limit = (int64_t)max;
}

/* cpu_max is a share of CPUs: quota/period may not exceed it. A changed
 * period alone changes the share too, so it is checked as well. */
static void cpu_max(hd_ov *c, oci_resources *r, bool fill_missing) {
  uint64_t max = c->policy->cpu_max_quota;
  bool has = r->cpu && (r->cpu->has_quota || r->cpu->has_period);
  if (max == 0 || (!has && !fill_missing))
    return;
  if (r->cpu == NULL)
    r->cpu = xcalloc(1, sizeof *r->cpu);
  oci_cpu *cpu = r->cpu;
  uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000;
  int64_t allowed = (int64_t)(max * period / 100000);
  if (cpu->has_quota && cpu->quota > 0 && cpu->quota <= allowed)
    return;
  cleanup_free char *from = cpu->has_quota
                                ? xasprintf("%lld", (long long)cpu->quota)
                                : xstrdup("(unset)");
  cleanup_free char *to = xasprintf("%lld", (long long)allowed);
  hd_ov_record(c, "resources", "linux.resources.cpu.quota", from, to);
  cpu->has_quota = cpu->has_period = true;
  cpu->quota = allowed;
  cpu->period = period;
}

/* ---- devices ---- */

typedef struct {
  const char *path;
  int64_t major, minor;
} std_device;

/* The nodes every container gets; pts (136-143:*) are handled apart. */
static const std_device std_devices[] = {
    {"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
    {"/dev/console", 5, 1}, {"/dev/ptmx", 5, 2},
};
#define N_STD_DEVICES (sizeof std_devices / sizeof std_devices[0])

static bool is_pts_major(int64_t major) {
  return major >= 136 && major <= 143;
}

static bool std_device_match(const char *path, char type, int64_t major,
                             int64_t minor) {
  if (type != 'c')
    return false;
  if (path && hd_path_within(path, "/dev/pts") && is_pts_major(major))
    return true;
  for (size_t i = 0; i < N_STD_DEVICES; i++)
    if ((path == NULL || strcmp(path, std_devices[i].path) == 0) &&
        major == std_devices[i].major && minor == std_devices[i].minor)
      return true;
  return false;
}

static char device_type(char t) {
  return t == 'u' ? 'c' : t;
}

/* A policy pattern names a path; the host's node at that path decides
 * which device it is, so a spec cannot give an allowed name to a disk. */
static bool policy_device(hd_ov *c, const oci_device *d) {
  bool named = false;
  for (size_t i = 0; i < c->policy->allowed_devices_len; i++)
    if (fnmatch(c->policy->allowed_devices[i], d->path, FNM_PATHNAME) == 0)
      named = true;
  const hd_fact_device *host = hd_facts_device(c->host, d->path);
  return named && host && host->type == device_type(d->type) && d->has_major &&
         d->has_minor && host->major == d->major && host->minor == d->minor;
}

static int device_nodes(hd_ov *c, oci_linux *l) {
  for (size_t i = 0; i < l->devices_len; i++) {
    oci_device *d = &l->devices[i];
    if (d->path == NULL)
      return hd_ov_refuse(c, "devices", "linux.devices", "has no path");
    char *clean = hd_path_clean(d->path);
    free(d->path);
    d->path = clean;
    if (d->type == 'p') /* a FIFO reaches no device */
      continue;
    if (d->has_major && d->has_minor &&
        std_device_match(d->path, device_type(d->type), d->major, d->minor))
      continue;
    if (policy_device(c, d))
      continue;
    cleanup_free char *field = xasprintf("linux.devices[%s]", d->path);
    return hd_ov_refuse(c, "devices", field,
                        "(%c %lld:%lld) is not an allowed device", d->type,
                        (long long)d->major, (long long)d->minor);
  }
  return 0;
}

static bool cgroup_rule_allowed(hd_ov *c, const oci_linux *l,
                                const oci_device_cgroup *r) {
  const char *access = r->access ? r->access : "rwm";
  if (*access && strspn(access, "m") == strlen(access))
    return true; /* mknod alone needs CAP_MKNOD, which nobody has */
  char type = r->type ? r->type : 'a';
  if (type == 'a' || !r->has_major)
    return false;
  if (type == 'c' && is_pts_major(r->major))
    return true;
  if (!r->has_minor)
    return false;
  if (std_device_match(NULL, type, r->major, r->minor))
    return true;
  for (size_t i = 0; l && i < l->devices_len; i++) {
    const oci_device *d = &l->devices[i];
    if (device_type(d->type) == type && d->major == r->major &&
        d->minor == r->minor && policy_device(c, d))
      return true;
  }
  return false;
}

static bool is_deny_all(const oci_device_cgroup *r) {
  return !r->allow && (r->type == 0 || r->type == 'a') && !r->has_major &&
         !r->has_minor && (r->access == NULL || strcmp(r->access, "rwm") == 0);
}

static void append_rule(oci_resources *r, oci_device_cgroup rule) {
  r->devices = xrealloc(r->devices, (r->devices_len + 1) * sizeof *r->devices);
  r->devices[r->devices_len++] = rule;
}

/* The cgroup writer applies the list as given, so the hardened list is
 * complete: deny everything first, then the spec's (checked) rules, then
 * the standard nodes, which a runc-style runtime would add implicitly. */
static int device_rules(hd_ov *c, const oci_linux *l, oci_resources *r) {
  for (size_t i = 0; i < r->devices_len; i++) {
    const oci_device_cgroup *d = &r->devices[i];
    if (!d->allow || cgroup_rule_allowed(c, l, d))
      continue;
    cleanup_free char *field = xasprintf("linux.resources.devices[%zu]", i);
    cleanup_free char *maj =
        d->has_major ? xasprintf("%lld", (long long)d->major) : xstrdup("*");
    cleanup_free char *min =
        d->has_minor ? xasprintf("%lld", (long long)d->minor) : xstrdup("*");
    return hd_ov_refuse(c, "devices", field,
                        "allows %c %s:%s %s, which is not an allowed device",
                        d->type ? d->type : 'a', maj, min,
                        d->access ? d->access : "rwm");
  }
  if (r->devices_len == 0 || !is_deny_all(&r->devices[0])) {
    hd_ov_record(c, "devices", "linux.resources.devices",
                 r->devices_len ? "rules without a leading deny-all" : "(none)",
                 "deny all, then the allowed devices");
    append_rule(r, (oci_device_cgroup){0});
    memmove(&r->devices[1], &r->devices[0],
            (r->devices_len - 1) * sizeof *r->devices);
    r->devices[0] = (oci_device_cgroup){
        .allow = false, .type = 'a', .access = xstrdup("rwm")};
  }
  for (size_t i = 0; i < N_STD_DEVICES; i++)
    append_rule(r, (oci_device_cgroup){.allow = true,
                                       .type = 'c',
                                       .has_major = true,
                                       .has_minor = true,
                                       .major = std_devices[i].major,
                                       .minor = std_devices[i].minor,
                                       .access = xstrdup("rwm")});
  append_rule(r, (oci_device_cgroup){.allow = true,
                                     .type = 'c',
                                     .has_major = true,
                                     .major = 136,
                                     .access = xstrdup("rwm")});
  return 0;
}

/* ---- own namespaces ---- */

static bool is_host_ns(hd_ov *c, oci_namespace_type t, const hd_fact_ns *f) {
  for (size_t i = 0; c->host && i < c->host->host_ns_len[t]; i++)
    if (c->host->host_ns[t][i].dev == f->dev &&
        c->host->host_ns[t][i].ino == f->ino)
      return true;
  return false;
}

static bool must_own(hd_ov *c, oci_namespace_type t) {
  switch (t) {
  case OCI_NS_PID:
  case OCI_NS_MOUNT:
  case OCI_NS_IPC:
  case OCI_NS_UTS:
  case OCI_NS_CGROUP: /* a missing one is added; a joined host one is not */
    return true;
  case OCI_NS_NETWORK:
    return !c->policy->allow_host_network;
  default:
    return false; /* user, time: sharing the host's grants nothing */
  }
}

/* Joining another container's namespace (pods, docker networks) is fine;
 * joining the host's is how --pid=host and friends arrive by path. */
static int joined_namespaces(hd_ov *c, const oci_linux *l, bool *host_net) {
  for (size_t i = 0; i < l->namespaces_len; i++) {
    const oci_namespace *ns = &l->namespaces[i];
    if (ns->path == NULL || *ns->path == '\0')
      continue;
    const char *name = oci_namespace_type_name(ns->type);
    cleanup_free char *field = xasprintf("linux.namespaces[\"%s\"].path", name);
    const hd_fact_ns *f = hd_facts_ns_path(c->host, ns->path);
    if (f == NULL)
      return hd_ov_refuse(c, "host-namespace", field,
                          "%s could not be compared with the host's", ns->path);
    if (!is_host_ns(c, ns->type, f)) {
      if (hd_ov_joinable_ns(c, ns->type, f))
        continue;
      return hd_ov_refuse(c, "host-namespace", field,
                          "%s is neither a namespace of a container of this "
                          "runtime's state root nor %s",
                          ns->path,
                          hd_ov_pin_allowed(ns->type)
                              ? "an engine's pinned namespace file"
                              : "the host's own");
    }
    if (ns->type == OCI_NS_NETWORK)
      *host_net = true;
    if (must_own(c, ns->type))
      return hd_ov_refuse(c, "host-namespace", field,
                          "%s is the host's %s namespace", ns->path, name);
  }
  return 0;
}

static int own_namespaces(hd_ov *c, oci_linux *l, bool *own_net) {
  bool present[OCI_NS__COUNT] = {false};
  for (size_t i = 0; i < l->namespaces_len; i++)
    if ((unsigned)l->namespaces[i].type < OCI_NS__COUNT)
      present[l->namespaces[i].type] = true;
  static const oci_namespace_type required[] = {
      OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
    if (!present[required[i]] && must_own(c, required[i]))
      return hd_ov_refuse(c, "host-namespace", "linux.namespaces",
                          "lacks \"%s\"", oci_namespace_type_name(required[i]));
  bool host_net = !present[OCI_NS_NETWORK];
  if (joined_namespaces(c, l, &host_net) < 0)
    return -1;
  *own_net = !host_net;
  /* docker leaves it out on cgroup v1 hosts, for every container */
  if (!present[OCI_NS_CGROUP]) {
    l->namespaces = xrealloc(l->namespaces,
                             (l->namespaces_len + 1) * sizeof *l->namespaces);
    l->namespaces[l->namespaces_len++] = (oci_namespace){.type = OCI_NS_CGROUP};
    hd_ov_record(c, "host-namespace", "linux.namespaces", "(no cgroup)",
                 "cgroup");
  }
  return 0;
}

/* ---- sysctls ---- */

/* Namespaced by ipc (or uts, which is always the container's own), or
 * vm.memfd_noexec, which is per pid namespace. */
static const char *const namespaced_sysctls[] = {
    "kernel.msgmax",     "kernel.msgmnb",          "kernel.msgmni",
    "kernel.sem",        "kernel.shmall",          "kernel.shmmax",
    "kernel.shmmni",     "kernel.shm_rmid_forced", "kernel.hostname",
    "kernel.domainname", "vm.memfd_noexec",
};

/* Dots only: a '/' form or an empty component could walk out of
 * /proc/sys/net into the host-wide tree. */
static bool sysctl_key_sane(const char *k) {
  if (*k == '\0' || *k == '.' || k[strlen(k) - 1] == '.' || strstr(k, "..") ||
      strchr(k, '/'))
    return false;
  return true;
}

static int sysctl_allowed(hd_ov *c, const char *key, bool own_net) {
  cleanup_free char *field = xasprintf("linux.sysctl[\"%s\"]", key);
  if (!sysctl_key_sane(key))
    return hd_ov_refuse(c, "sysctl", field, "is not a sysctl name");
  if (strncmp(key, "net.", 4) == 0)
    return own_net ? 0
                   : hd_ov_refuse(c, "sysctl", field,
                                  "needs the container's own network "
                                  "namespace");
  if (strncmp(key, "fs.mqueue.", 10) == 0)
    return 0;
  for (size_t i = 0;
       i < sizeof namespaced_sysctls / sizeof namespaced_sysctls[0]; i++)
    if (strcmp(key, namespaced_sysctls[i]) == 0)
      return 0;
  return hd_ov_refuse(c, "sysctl", field,
                      "is not namespaced: it would change the host");
}

static oci_kv *sysctl_find(oci_linux *l, const char *key) {
  for (size_t i = 0; i < l->sysctl_len; i++)
    if (l->sysctl[i].key && strcmp(l->sysctl[i].key, key) == 0)
      return &l->sysctl[i];
  return NULL;
}

static void sysctl_force(hd_ov *c, oci_linux *l, const char *rule,
                         const char *key, const char *value) {
  oci_kv *kv = sysctl_find(l, key);
  if (kv && kv->value && strcmp(kv->value, value) == 0)
    return;
  cleanup_free char *field = xasprintf("linux.sysctl[\"%s\"]", key);
  hd_ov_record(c, rule, field, kv && kv->value ? kv->value : "(unset)", value);
  if (kv == NULL) {
    l->sysctl = xrealloc(l->sysctl, (l->sysctl_len + 1) * sizeof *l->sysctl);
    kv = &l->sysctl[l->sysctl_len++];
    *kv = (oci_kv){.key = xstrdup(key)};
  }
  free(kv->value);
  kv->value = xstrdup(value);
}

static bool has_user_namespace(const oci_linux *l) {
  for (size_t i = 0; i < l->namespaces_len; i++)
    if (l->namespaces[i].type == OCI_NS_USER)
      return true;
  return false;
}

static int sysctls(hd_ov *c, oci_linux *l, bool own_net) {
  for (size_t i = 0; i < l->sysctl_len; i++)
    if (sysctl_allowed(c, l->sysctl[i].key ? l->sysctl[i].key : "", own_net) <
        0)
      return -1;
  /* Binding below 1024 is what CAP_NET_BIND_SERVICE grants; docker gives
   * it back through this sysctl in every spec. */
  oci_kv *port = sysctl_find(l, "net.ipv4.ip_unprivileged_port_start");
  if (port) {
    char *end = NULL;
    long v = port->value ? strtol(port->value, &end, 10) : -1;
    if (end == NULL || *end != '\0' || v < 1024)
      sysctl_force(c, l, "no-capabilities",
                   "net.ipv4.ip_unprivileged_port_start", "1024");
  }
  /* 2: memfds are never executable, and a child cannot lower it. Only
   * the host's root may write this sysctl (its /proc/sys file is not
   * owned by a user namespace), so a container in its own user namespace
   * cannot get it: recorded, so `check` and the state show the gap. */
  if (c->host && c->host->memfd_noexec && has_user_namespace(l)) {
    hd_ov_record(c, "write-xor-execute", "linux.sysctl[\"vm.memfd_noexec\"]",
                 "(unset)", "(not settable in a user namespace)");
  } else if (c->host && c->host->memfd_noexec)
    sysctl_force(c, l, "write-xor-execute", "vm.memfd_noexec", "2");
  return 0;
}

/* ---- docker's masked and read-only paths, even under --privileged ---- */

static const char *const masked_paths[] = {
    "/proc/acpi",        "/proc/asound",  "/proc/interrupts",
    "/proc/kcore",       "/proc/keys",    "/proc/latency_stats",
    "/proc/sched_debug", "/proc/scsi",    "/proc/timer_list",
    "/proc/timer_stats", "/sys/firmware", "/sys/devices/virtual/powercap",
};
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static void ensure_paths(hd_ov *c, const char *rule, const char *field,
                         char ***v, size_t *n, const char *const *want,
                         size_t want_len) {
  cleanup_free char *from = hd_strv_join(*v, *n);
  size_t before = *n;
  for (size_t i = 0; i < want_len; i++)
    if (!hd_strv_has(*v, *n, want[i]))
      hd_strv_add(v, n, want[i]);
  if (*n == before)
    return;
  cleanup_free char *to = hd_strv_join(*v, *n);
  hd_ov_record(c, rule, field, from, to);
}

static void masked_and_readonly(hd_ov *c, oci_linux *l) {
  ensure_paths(c, "masked-paths", "linux.maskedPaths", &l->masked_paths,
               &l->masked_paths_len, masked_paths,
               sizeof masked_paths / sizeof masked_paths[0]);
  ensure_paths(c, "readonly-paths", "linux.readonlyPaths", &l->readonly_paths,
               &l->readonly_paths_len, readonly_paths,
               sizeof readonly_paths / sizeof readonly_paths[0]);
}

/* ---- the rest of linux.* ---- */

/* A shared root would carry the runtime's own setup mounts back to the
 * host's peer group; slave keeps host -> container propagation working. */
static void rootfs_propagation(hd_ov *c, oci_linux *l) {
  const char *p = l->rootfs_propagation;
  if (p == NULL || (strcmp(p, "shared") != 0 && strcmp(p, "rshared") != 0))
    return;
  hd_ov_record(c, "mount-propagation", "linux.rootfsPropagation", p, "rslave");
  free(l->rootfs_propagation);
  l->rootfs_propagation = xstrdup("rslave");
}

/* Personality flags such as ADDR_NO_RANDOMIZE or READ_IMPLIES_EXEC turn
 * off protections; the domain (LINUX or LINUX32) is harmless. */
static int personality(hd_ov *c, const oci_linux *l) {
  if (l->personality == NULL || l->personality->flags_len == 0)
    return 0;
  cleanup_free char *flags =
      hd_strv_join(l->personality->flags, l->personality->flags_len);
  return hd_ov_refuse(c, "personality", "linux.personality.flags",
                      "%s would weaken the process's protections", flags);
}

/* The filter the spec carries stays; the baseline is stacked on it when
 * the process starts (hd_seccomp_baseline_load), so even "unconfined"
 * gets it. Recorded so `check` shows it. */
static void seccomp_record(hd_ov *c, const oci_linux *l) {
  bool spec_filter = l->seccomp != NULL;
  hd_ov_record(c, "seccomp-baseline", "linux.seccomp",
               spec_filter ? "spec filter" : "(none)",
               spec_filter ? "spec filter + baseline" : "baseline");
}

static int harden_resources(hd_ov *c, const oci_linux *l, oci_resources *r,
                            bool fill_missing) {
  pids_limit(c, r, fill_missing);
  memory_max(c, r, fill_missing);
  cpu_max(c, r, fill_missing);
  if (hd_ov_unified(c, r) < 0)
    return -1;
  hd_ov_v2_ignored(c, r);
  if ((fill_missing || r->devices_len > 0) && device_rules(c, l, r) < 0)
    return -1;
  return 0;
}

static int harden_linux(hd_ov *c, oci_spec *s) {
  oci_linux *l = s->linux_;
  bool own_net = false;
  if (l == NULL)
    return hd_ov_refuse(c, "host-namespace", "linux.namespaces", "lacks \"%s\"",
                        oci_namespace_type_name(OCI_NS_PID));
  if (own_namespaces(c, l, &own_net) < 0 || sysctls(c, l, own_net) < 0 ||
      device_nodes(c, l) < 0 || personality(c, l) < 0 ||
      hd_ov_cgroup_path(c) < 0)
    return -1;
  if (l->resources == NULL)
    l->resources = xcalloc(1, sizeof *l->resources);
  if (harden_resources(c, l, l->resources, true) < 0)
    return -1;
  masked_and_readonly(c, l);
  rootfs_propagation(c, l);
  seccomp_record(c, l);
  return 0;
}

/* ---- annotations ---- */

/* Annotations that other runtimes read as switches (run.oci.*, ...) mean
 * nothing here: nothing in hardened reads the spec's annotations. Ours,
 * org.hardened.*, are written by the runtime only, so a spec's own are
 * dropped rather than allowed to pose as the runtime's record. */
static void annotations(hd_ov *c, oci_spec *s) {
  static const char reserved[] = "org.hardened.";
  for (size_t i = 0; i < s->annotations_len;) {
    const char *key = s->annotations[i].key ? s->annotations[i].key : "";
    if (strncmp(key, reserved, sizeof reserved - 1) != 0) {
      i++;
      continue;
    }
    cleanup_free char *field = xasprintf("annotations[\"%s\"]", key);
    hd_ov_record(c, "annotations", field,
                 s->annotations[i].value ? s->annotations[i].value : "",
                 "(removed)");
    free(s->annotations[i].key);
    free(s->annotations[i].value);
    memmove(&s->annotations[i], &s->annotations[i + 1],
            (s->annotations_len - i - 1) * sizeof *s->annotations);
    s->annotations_len--;
  }
}

/* ---- invariant 3 ---- */

static int read_only_root(hd_ov *c, oci_root *root) {
  if (root == NULL)
    return hd_ov_refuse(c, "read-only-root", "root", "is missing");
  if (!root->readonly) {
    hd_ov_record(c, "read-only-root", "root.readonly", "false", "true");
    root->readonly = true;
  }
  return 0;
}

/* ---- entry points ---- */

static int harden_spec(hd_ov *c, oci_spec *s) {
  if (harden_linux(c, s) < 0 || hd_ov_hooks(c, s->hooks) < 0 ||
      read_only_root(c, s->root) < 0 || hd_ov_mounts(c, s) < 0)
    return -1;
  if (s->process && harden_process(c, s->process, s->linux_) < 0)
    return -1;
  if (hd_ov_user_namespace(c, s) < 0)
    return -1;
  /* After the rules above, so that a field both judges (an idmapped mount's
   * map) is refused by the rule that names the attack. */
  if (hd_ov_fields_spec(c, s) < 0)
    return -1;
  annotations(c, s);
  hd_ov_note_joined_ns(c, s);
  return 0;
}

/* On refusal, the overrides this call added are dropped with the copy:
 * a refused spec has no hardened form. */
static void drop_new_overrides(hd_overrides *ov, size_t keep) {
  hd_overrides tail = {.items = ov->items + keep, .len = ov->len - keep};
  for (size_t i = 0; i < tail.len; i++) {
    free(tail.items[i].rule);
    free(tail.items[i].field);
    free(tail.items[i].requested);
    free(tail.items[i].enforced);
  }
  ov->len = keep;
}

int hd_overlay_spec(const oci_spec *in, const hd_policy *policy,
                    const hd_host_facts *host, oci_spec **out,
                    hd_overrides *overrides, hd_error_t *err) {
  *out = NULL;
  if (in == NULL || policy == NULL)
    return hd_error_set(err, EINVAL, "overlay: no spec or no policy");
  oci_spec *s = oci_spec_dup(in);
  if (s == NULL)
    return hd_error_set(err, ENOMEM, "overlay: copying the spec");
  size_t keep = overrides->len;
  hd_ov c = {.policy = policy, .host = host, .ov = overrides, .err = err};
  if (harden_spec(&c, s) < 0) {
    drop_new_overrides(overrides, keep);
    oci_spec_free(s);
    return -1;
  }
  *out = s;
  return 0;
}

int hd_overlay_process(const oci_process *in, const hd_policy *policy,
                       oci_process **out, hd_overrides *overrides,
                       hd_error_t *err) {
  *out = NULL;
  if (in == NULL || policy == NULL)
    return hd_error_set(err, EINVAL, "overlay: no process or no policy");
  oci_process *p = oci_process_dup(in);
  if (p == NULL)
    return hd_error_set(err, ENOMEM, "overlay: copying the process");
  size_t keep = overrides->len;
  hd_ov c = {.policy = policy, .ov = overrides, .err = err};
  if (harden_process(&c, p, NULL) < 0) {
    drop_new_overrides(overrides, keep);
    oci_process_free(p);
    return -1;
  }
  hd_ov_fields_process(&c, p, "process");
  hd_ov_unknown_fields(&c, "process", &p->unknown);
  *out = p;
  return 0;
}

int hd_overlay_resources(const oci_resources *in, const hd_policy *policy,
                         oci_resources **out, hd_overrides *overrides,
                         hd_error_t *err) {
  return hd_overlay_resources_on(in, policy, NULL, out, overrides, err);
}

int hd_overlay_resources_on(const oci_resources *in, const hd_policy *policy,
                            const hd_host_facts *host, oci_resources **out,
                            hd_overrides *overrides, hd_error_t *err) {
  *out = NULL;
  if (in == NULL || policy == NULL)
    return hd_error_set(err, EINVAL, "overlay: no resources or no policy");
  oci_resources *r = oci_resources_dup(in);
  if (r == NULL)
    return hd_error_set(err, ENOMEM, "overlay: copying the resources");
  size_t keep = overrides->len;
  hd_ov c = {.policy = policy, .host = host, .ov = overrides, .err = err};
  if (hd_ov_fields_resources(&c, r, "linux.resources") < 0 ||
      harden_resources(&c, NULL, r, false) < 0) {
    drop_new_overrides(overrides, keep);
    oci_resources_free(r);
    return -1;
  }
  hd_ov_unknown_fields(&c, "linux.resources", &r->unknown);
  *out = r;
  return 0;
}
