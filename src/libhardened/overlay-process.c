/* The overlay's rules on who a process is on the host: the user
 * namespace maps (user-namespace) and the supplementary groups
 * (supplementary-groups). Pure, like the rest of the overlay: the only
 * host facts used are the runtime's own ids.
 *
 * The threat: a map is a list of host ids the container's ids become. A
 * map onto host uid 0 makes the "non-root" process root on every host
 * file it reaches through a bind, and a map onto a login user's ids makes
 * it that user. So every host id a map reaches lies in the policy's range
 * (userns_host_min..userns_host_max, 100000.. by default). */
#define _GNU_SOURCE
#include "overlay-internal.h"

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
  if (s->process && creates_user_namespace(l))
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
