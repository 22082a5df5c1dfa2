/* The overlay's rules on who a process is on the host: the user
 * namespace maps (user-namespace) and the supplementary groups
 * (supplementary-groups), its session (own-session), its rlimits
 * (rlimits) and its LSM labels (lsm). Pure, like the rest of the overlay:
 * the only host facts used are the runtime's own ids and rlimits and the
 * LSMs the kernel runs.
 *
 * The threat: a map is a list of host ids the container's ids become. A
 * map onto host uid 0 makes the "non-root" process root on every host
 * file it reaches through a bind, and a map onto a login user's ids makes
 * it that user. So every host id a map reaches lies in the policy's range
 * (userns_host_min..userns_host_max, 100000.. by default). */
#define _GNU_SOURCE
#include "overlay-internal.h"
#include "rlimits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LAST 4294967294u /* (uid_t)-1 means "no id" to the kernel */

/* [first, first + size - 1] is a real range: not empty, no wrap. */
static bool id_range_fits(uint32_t first, uint32_t size) {
  return size > 0 && (uint64_t)first + size - 1 <= ID_LAST;
}

static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn) {
  return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/* Rootless: a runtime that is not root may map one id onto its own and
 * nothing else (the kernel refuses the rest), so that map gains nothing. */
static bool is_runtime_own_id(const hd_ov *c, const oci_id_mapping *m,
                              bool gid) {
  const hd_host_facts *h = c->host;
  if (h == NULL || h->runtime_uid == 0)
    return false;
  return m->size == 1 && m->host_id == (gid ? h->runtime_gid : h->runtime_uid);
}

static int id_mapping_entry(hd_ov *c, const char *at, const oci_id_mapping *e,
                            bool gid) {
  const char *kind = gid ? "gid" : "uid";
  if (!id_range_fits(e->container_id, e->size) ||
      !id_range_fits(e->host_id, e->size))
    return hd_ov_refuse(c, "user-namespace", at,
                        "(%u %u %u) is empty or runs past id %u",
                        e->container_id, e->host_id, e->size, ID_LAST);
  if (e->host_id == 0)
    return hd_ov_refuse(c, "user-namespace", at,
                        "maps container %s %u to host %s 0 (root)", kind,
                        e->container_id, kind);
  uint32_t lo = c->policy->userns_host_min, hi = c->policy->userns_host_max;
  uint32_t last = e->host_id + (e->size - 1);
  if (!is_runtime_own_id(c, e, gid) && (e->host_id < lo || last > hi))
    return hd_ov_refuse(c, "user-namespace", at,
                        "maps to host %ss %u-%u, outside the policy's "
                        "userns_host_min..userns_host_max (%u-%u)",
                        kind, e->host_id, last, lo, hi);
  return 0;
}

/* The kernel refuses overlaps too, but later and with EINVAL; refusing
 * here names the entries. */
static int id_mapping(hd_ov *c, const char *field, const oci_id_mapping *m,
                      size_t n, bool gid) {
  for (size_t i = 0; i < n; i++) {
    cleanup_free char *at = xasprintf("%s[%zu]", field, i);
    if (id_mapping_entry(c, at, &m[i], gid) < 0)
      return -1;
    for (size_t j = 0; j < i; j++)
      if (ranges_overlap(m[i].container_id, m[i].size, m[j].container_id,
                         m[j].size) ||
          ranges_overlap(m[i].host_id, m[i].size, m[j].host_id, m[j].size))
        return hd_ov_refuse(c, "user-namespace", at, "overlaps %s[%zu]", field,
                            j);
  }
  return 0;
}

static bool creates_user_namespace(const oci_linux *l) {
  for (size_t i = 0; l && i < l->namespaces_len; i++)
    if (l->namespaces[i].type == OCI_NS_USER &&
        (l->namespaces[i].path == NULL || *l->namespaces[i].path == '\0'))
      return true;
  return false;
}

/* The host id a container id becomes through the map; false when the
 * map does not name it. */
static bool map_id(const oci_id_mapping *m, size_t n, uint32_t id,
                   uint32_t *host) {
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].container_id && id - m[i].container_id < m[i].size) {
      *host = m[i].host_id + (id - m[i].container_id);
      return true;
    }
  return false;
}

/* In a new user namespace the process's ids must be mapped: an unmapped
 * one fails setresuid late, and "which host user is this" must have an
 * answer the rules above have checked. */
static int process_ids_mapped(hd_ov *c, const oci_linux *l, const oci_user *u) {
  uint32_t host;
  if (l->uid_mappings_len > 0 &&
      !map_id(l->uid_mappings, l->uid_mappings_len, u->uid, &host))
    return hd_ov_refuse(c, "user-namespace", "process.user.uid",
                        "%u is not mapped by linux.uidMappings", u->uid);
  if (l->gid_mappings_len > 0 &&
      !map_id(l->gid_mappings, l->gid_mappings_len, u->gid, &host))
    return hd_ov_refuse(c, "user-namespace", "process.user.gid",
                        "%u is not mapped by linux.gidMappings", u->gid);
  return 0;
}

int hd_ov_user_namespace(hd_ov *c, const oci_spec *s) {
  const oci_linux *l = s->linux_;
  if (l && (id_mapping(c, "linux.uidMappings", l->uid_mappings,
                       l->uid_mappings_len, false) < 0 ||
            id_mapping(c, "linux.gidMappings", l->gid_mappings,
                       l->gid_mappings_len, true) < 0))
    return -1;
  /* An idmapped mount shows host files as owned by the container's ids:
   * a map from host 0 would hand root's files to the container user. */
  for (size_t i = 0; i < s->mounts_len; i++) {
    const oci_mount *m = &s->mounts[i];
    const char *dest = m->destination ? m->destination : "";
    cleanup_free char *uf = xasprintf("mounts[%s].uidMappings", dest);
    cleanup_free char *gf = xasprintf("mounts[%s].gidMappings", dest);
    if (id_mapping(c, uf, m->uid_mappings, m->uid_mappings_len, false) < 0 ||
        id_mapping(c, gf, m->gid_mappings, m->gid_mappings_len, true) < 0)
      return -1;
  }
  if (s->process && l && creates_user_namespace(l))
    return process_ids_mapped(c, l, &s->process->user);
  return 0;
}

/* ---- supplementary groups ---- */

/* What the kernel will check a gid as. Without a user namespace of the
 * container's own (or one joined by path, whose map the spec does not
 * show) the container gid is the host gid. */
static bool host_gid_of(const oci_linux *l, uint32_t gid, uint32_t *host) {
  if (!creates_user_namespace(l) || l->gid_mappings_len == 0) {
    *host = gid;
    return true;
  }
  return map_id(l->gid_mappings, l->gid_mappings_len, gid, host);
}

static bool gid_allowed(const hd_ov *c, const oci_user *u, const oci_linux *l,
                        uint32_t gid) {
  uint32_t host;
  if (gid == u->gid)
    return true; /* the primary group grants it already */
  if (!host_gid_of(l, gid, &host))
    return false; /* setgroups would refuse it */
  if (host >= c->policy->supplementary_gid_min)
    return true;
  for (size_t i = 0; i < c->policy->allowed_gids_len; i++)
    if (c->policy->allowed_gids[i] == host)
      return true;
  return false;
}

static char *gid_list(const uint32_t *g, size_t n) {
  if (n == 0)
    return xstrdup("(none)");
  size_t cap = n * 11 + 1, used = 0;
  char *out = xcalloc(1, cap);
  for (size_t i = 0; i < n; i++)
    used +=
        (size_t)snprintf(out + used, cap - used, "%s%u", i ? "," : "", g[i]);
  return out;
}

/* A host system group (adm, disk, shadow, docker...) reads or writes what
 * that group owns on the host through any bind; it is dropped, recorded.
 * The process never keeps the runtime's own groups: setup calls
 * setgroups with exactly this list. */
void hd_ov_supplementary_groups(hd_ov *c, oci_user *u, const oci_linux *l) {
  cleanup_free char *from =
      gid_list(u->additional_gids, u->additional_gids_len);
  size_t kept = 0;
  for (size_t i = 0; i < u->additional_gids_len; i++)
    if (gid_allowed(c, u, l, u->additional_gids[i]))
      u->additional_gids[kept++] = u->additional_gids[i];
  if (kept == u->additional_gids_len)
    return;
  u->additional_gids_len = kept;
  cleanup_free char *to = gid_list(u->additional_gids, kept);
  hd_ov_record(c, "supplementary-groups", "process.user.additionalGids", from,
               to);
}

/* ---- the session ---- */

/* Setup gives every process a session of its own (process.c); without a
 * terminal that means it has no controlling terminal at all, where runc's
 * caller might expect it to keep theirs. Recorded so `check` says so. */
void hd_ov_own_session(hd_ov *c, const oci_process *p) {
  if (!p->terminal)
    hd_ov_record(c, "own-session", "process.terminal",
                 "false (the caller's session)",
                 "false (a session of its own, no controlling terminal)");
}

/* ---- rlimits ---- */

/* Setup sets rlimits as root, before the uid switch, so a spec's value
 * is not limited by the runtime's own hard limit: these caps are what
 * stands between a hostile spec and an unprivileged process that holds
 * them. RTPRIO lets a process without CAP_SYS_NICE take a real-time
 * priority and starve the host's CPUs: always 0. NICE is 20 - the lowest
 * nice value reachable: 20 lets a process go back to nice 0 and never
 * below. MEMLOCK pins memory outside reclaim, MSGQUEUE and SIGPENDING
 * are counted per host uid (shared with the host's user of that uid).
 * NOFILE is docker's usual 1048576 (the kernel's default fs.nr_open). The
 * rest (AS, CPU, DATA, FSIZE, LOCKS, NPROC, RSS, RTTIME, STACK) only
 * limit the process itself, or are bounded elsewhere (pids-limit), and
 * pass unless the policy caps them. */
#define MIB (1024ull * 1024)
static const hd_rlimit_cap builtin_caps[] = {
    {"RLIMIT_RTPRIO", 0},         {"RLIMIT_NICE", 20},
    {"RLIMIT_NOFILE", 1048576},   {"RLIMIT_MEMLOCK", 64 * MIB},
    {"RLIMIT_MSGQUEUE", 8 * MIB}, {"RLIMIT_SIGPENDING", 262144},
};
#define N_BUILTIN_CAPS (sizeof builtin_caps / sizeof builtin_caps[0])

/* Set to 0/0 when the spec leaves them out: the runtime's own values
 * could be anything its service manager gave it. */
static bool forced_when_absent(const char *name) {
  return strcmp(name, "RLIMIT_RTPRIO") == 0 || strcmp(name, "RLIMIT_NICE") == 0;
}

static bool rlimit_cap(const hd_ov *c, const char *name, uint64_t *cap) {
  for (size_t i = 0; i < c->policy->rlimit_caps_len; i++)
    if (strcmp(c->policy->rlimit_caps[i].name, name) == 0) {
      *cap = c->policy->rlimit_caps[i].max;
      return true;
    }
  for (size_t i = 0; i < N_BUILTIN_CAPS; i++)
    if (strcmp(builtin_caps[i].name, name) == 0) {
      *cap = builtin_caps[i].max;
      return true;
    }
  return false;
}

static char *rlimit_text(uint64_t v) {
  return v == UINT64_MAX ? xstrdup("unlimited")
                         : xasprintf("%llu", (unsigned long long)v);
}

static char *soft_hard_text(uint64_t soft, uint64_t hard) {
  cleanup_free char *s = rlimit_text(soft);
  cleanup_free char *h = rlimit_text(hard);
  return xasprintf("%s/%s", s, h);
}

static void clamp_rlimit(hd_ov *c, oci_rlimit *r, uint64_t cap,
                         const char *from) {
  if (r->hard <= cap && r->soft <= cap)
    return;
  cleanup_free char *was =
      from ? xstrdup(from) : soft_hard_text(r->soft, r->hard);
  if (r->hard > cap)
    r->hard = cap;
  if (r->soft > r->hard)
    r->soft = r->hard;
  cleanup_free char *field = xasprintf("process.rlimits[%s]", r->type);
  cleanup_free char *now = soft_hard_text(r->soft, r->hard);
  hd_ov_record(c, "rlimits", field, was, now);
}

static const oci_rlimit *spec_rlimit(const oci_process *p, const char *name) {
  for (size_t i = 0; i < p->rlimits_len; i++)
    if (p->rlimits[i].type && strcmp(p->rlimits[i].type, name) == 0)
      return &p->rlimits[i];
  return NULL;
}

static const hd_fact_rlimit *runtime_rlimit(const hd_ov *c, const char *name) {
  for (size_t i = 0; c->host && i < c->host->rlimits_len; i++)
    if (strcmp(c->host->rlimits[i].name, name) == 0)
      return &c->host->rlimits[i];
  return NULL;
}

/* An rlimit the spec leaves out is the runtime's own, inherited: capped
 * the same way, by adding it to the spec. */
static void absent_rlimit(hd_ov *c, oci_process *p, const char *name,
                          uint64_t cap) {
  const hd_fact_rlimit *own = runtime_rlimit(c, name);
  cleanup_free char *from = NULL;
  oci_rlimit add = {.soft = 0, .hard = 0};
  if (own) {
    add.soft = own->soft;
    add.hard = own->hard;
    cleanup_free char *v = soft_hard_text(own->soft, own->hard);
    from = xasprintf("(unset: the runtime's %s)", v);
  } else if (forced_when_absent(name)) {
    /* Unknown: 0, which lowering the runtime's value always allows
     * (raising one needs CAP_SYS_RESOURCE, which exec may lack). */
    from = xstrdup("(unset)");
    cap = 0;
    add.soft = add.hard = UINT64_MAX;
  } else {
    return;
  }
  if (add.hard <= cap && add.soft <= cap)
    return;
  p->rlimits = xrealloc(p->rlimits, (p->rlimits_len + 1) * sizeof *p->rlimits);
  oci_rlimit *r = &p->rlimits[p->rlimits_len++];
  *r = add;
  r->type = xstrdup(name);
  clamp_rlimit(c, r, cap, from);
}

static int rlimit_entry(hd_ov *c, oci_rlimit *r, size_t i) {
  cleanup_free char *field = xasprintf("process.rlimits[%zu].type", i);
  if (hd_rlimit_from_name(r->type) < 0)
    return hd_ov_refuse(c, "rlimits", field, "\"%s\" is not an rlimit",
                        r->type ? r->type : "");
  if (r->soft > r->hard) {
    cleanup_free char *v = soft_hard_text(r->soft, r->hard);
    return hd_ov_refuse(c, "rlimits", field, "%s: soft is above hard (%s)",
                        r->type, v);
  }
  uint64_t cap;
  if (strcmp(r->type, "RLIMIT_CORE") != 0 && rlimit_cap(c, r->type, &cap))
    clamp_rlimit(c, r, cap, NULL);
  return 0;
}

int hd_ov_rlimits(hd_ov *c, oci_process *p) {
  for (size_t i = 0; i < p->rlimits_len; i++)
    if (rlimit_entry(c, &p->rlimits[i], i) < 0)
      return -1;
  const char *name;
  for (size_t i = 0; (name = hd_rlimit_name_at(i)) != NULL; i++) {
    uint64_t cap;
    if (strcmp(name, "RLIMIT_CORE") != 0 && !spec_rlimit(p, name) &&
        rlimit_cap(c, name, &cap))
      absent_rlimit(c, p, name, cap);
  }
  return 0;
}

/* ---- LSM labels ---- */

static void lsm_drop(hd_ov *c, const char *field, char **label,
                     const char *why) {
  hd_ov_record(c, "lsm", field, *label, why);
  free(*label);
  *label = NULL;
}

/* A label for an LSM the host runs is applied by setup (lsm.c), and one
 * the host lacks fails there, as with runc. An LSM the kernel does not
 * run cannot confine anything, so its label is dropped, recorded: `check`
 * and the state show that the profile docker asked for is not in force.
 * Without host facts (exec --process) the labels are kept: setup then
 * fails where the LSM is missing rather than run unconfined unsaid. */
void hd_ov_lsm(hd_ov *c, oci_process *p, oci_linux *l) {
  const hd_host_facts *h = c->host;
  if (h == NULL)
    return;
  if (p->apparmor_profile && *p->apparmor_profile && !h->lsm_apparmor)
    lsm_drop(c, "process.apparmorProfile", &p->apparmor_profile,
             "(not applied: the host does not run AppArmor)");
  if (p->selinux_label && *p->selinux_label && !h->lsm_selinux)
    lsm_drop(c, "process.selinuxLabel", &p->selinux_label,
             "(not applied: the host does not run SELinux)");
  /* Mount labels need context= on each mount, which setup does not give
   * yet: said, not silently dropped. */
  if (l && l->mount_label && *l->mount_label)
    lsm_drop(c, "linux.mountLabel", &l->mount_label,
             h->lsm_selinux
                 ? "(not applied: hardened does not label mounts yet)"
                 : "(not applied: the host does not run SELinux)");
}
