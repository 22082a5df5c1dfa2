/* The container's cgroup path: linux.cgroupsPath resolved (relative to
 * the runtime's own cgroup, or a systemd slice:prefix:name mapped to its
 * cgroupfs path), and the lexical checks of rule cgroup-path. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "//a/b/" -> "/a/b", so the walks over '/' see each level once. */
char *hd_cg_normalize(const char *path) {
  char *out = xmalloc(strlen(path) + 1), *o = out;
  for (const char *p = path; *p; p++)
    if (*p != '/' || o == out || o[-1] != '/')
      *o++ = *p;
  if (o > out + 1 && o[-1] == '/')
    o--;
  *o = '\0';
  return out;
}

bool hd_cg_has_dotdot(const char *path) {
  cleanup_free char *copy = xstrdup(path);
  char *save = NULL;
  for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
    if (strcmp(t, "..") == 0 || strcmp(t, ".") == 0)
      return true;
  return false;
}

/* "a//b" or "a/": the kernel would accept them, but two spellings of
 * one cgroup would not compare equal in the policy's parents. */
static bool has_empty_component(const char *path) {
  return strstr(path, "//") != NULL ||
         (path[0] != '\0' && path[strlen(path) - 1] == '/');
}

/* A newline would split the ownership record's lines. */
static bool has_control_char(const char *path) {
  for (const unsigned char *c = (const unsigned char *)path; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return true;
  return false;
}

/* The runtime's own cgroup, as seen inside the cgroup2 hierarchy (the
 * "0::" line of /proc/self/cgroup), or the name=systemd one, or the
 * first v1 line. A relative cgroupsPath is resolved against this ONE
 * path and the result used in every hierarchy, so the state file can
 * record a single path and later commands need not guess. The mount's
 * root (non-"/" when the hierarchy is bind-mounted) is stripped. */
static char *own_cgroup(const hd_cg_layout *l) {
  cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
  if (f == NULL)
    return xstrdup("/");
  cleanup_free char *line = NULL, *best = NULL;
  int best_rank = 0;
  const hd_cg_hierarchy *best_h = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    line[strcspn(line, "\n")] = '\0';
    char *ctrls = strchr(line, ':');
    char *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
    if (path == NULL)
      continue;
    *path++ = '\0';
    ctrls++;
    int rank = *ctrls == '\0' ? 3 : strcmp(ctrls, "name=systemd") == 0 ? 2 : 1;
    const hd_cg_hierarchy *match = NULL;
    for (size_t i = 0; i < l->n; i++) {
      const hd_cg_hierarchy *h = &l->h[i];
      cleanup_free char *needle = xasprintf(",%s,", ctrls);
      if ((*ctrls == '\0' && h->v2) ||
          (!h->v2 && h->controllers && strstr(h->controllers, needle)))
        match = h;
    }
    if (match == NULL || rank <= best_rank)
      continue;
    free(best);
    best = xstrdup(path);
    best_rank = rank;
    best_h = match;
  }
  if (best == NULL)
    return xstrdup("/");
  size_t rl = strlen(best_h->mount_root);
  if (strcmp(best_h->mount_root, "/") != 0 &&
      strncmp(best, best_h->mount_root, rl) == 0 &&
      (best[rl] == '/' || best[rl] == '\0'))
    return xstrdup(*(best + rl) ? best + rl : "/");
  return hd_steal_pointer(&best);
}

/* systemd's slice naming: "a-b-c.slice" lives at
 * "/a.slice/a-b.slice/a-b-c.slice". */
static char *expand_slice(const char *slice, hd_error_t *err) {
  size_t len = strlen(slice);
  if (len < 6 || strcmp(slice + len - 6, ".slice") != 0 || strchr(slice, '/')) {
    hd_error_set(err, 0, "invalid systemd slice \"%s\"", slice);
    return NULL;
  }
  if (strcmp(slice, "-.slice") == 0)
    return xstrdup("");
  char *out = xstrdup("");
  for (size_t i = 0; i < len - 6; i++) {
    if (slice[i] != '-')
      continue;
    char *grown = xasprintf("%s/%.*s.slice", out, (int)i, slice);
    free(out);
    out = grown;
  }
  char *grown = xasprintf("%s/%s", out, slice);
  free(out);
  return grown;
}

static char *systemd_path(const char *spec, hd_error_t *err) {
  cleanup_free char *copy = xstrdup(spec);
  char *first = strchr(copy, ':');
  char *second = first ? strchr(first + 1, ':') : NULL;
  if (second == NULL || strchr(second + 1, ':')) {
    hd_error_set(err, 0,
                 "cgroupsPath \"%s\": expected slice:prefix:name with "
                 "--systemd-cgroup",
                 spec);
    return NULL;
  }
  *first = *second = '\0';
  const char *slice = *copy ? copy : "system.slice";
  cleanup_free char *dir = expand_slice(slice, err);
  if (dir == NULL)
    return NULL;
  const char *prefix = first + 1, *name = second + 1;
  if (*name == '\0' || strchr(prefix, '/') || strchr(name, '/')) {
    hd_error_set(err, 0, "cgroupsPath \"%s\": invalid unit name", spec);
    return NULL;
  }
  if (*prefix == '\0')
    return xasprintf("%s/%s.scope", dir, name);
  return xasprintf("%s/%s-%s.scope", dir, prefix, name);
}

int hd_cgroup_resolve(const char *cgroups_path, const char *id,
                      bool systemd_cgroup, char **out, hd_error_t *err) {
  cleanup_free char *path = NULL;
  if (cgroups_path == NULL || *cgroups_path == '\0') {
    if (id == NULL || *id == '\0' || strchr(id, '/'))
      return hd_error_set(err, 0, "invalid container id for a cgroup");
    path = xasprintf("/hardened/%s", id);
  } else if (systemd_cgroup) {
    path = systemd_path(cgroups_path, err);
    if (path == NULL)
      return -1;
  } else if (cgroups_path[0] == '/') {
    path = xstrdup(cgroups_path);
  } else {
    const hd_cg_layout *l = hd_cg_get_layout(err);
    if (l == NULL)
      return hd_error_wrap(err, "resolving cgroupsPath \"%s\"", cgroups_path);
    cleanup_free char *own = own_cgroup(l);
    path = xasprintf("%s/%s", strcmp(own, "/") == 0 ? "" : own, cgroups_path);
  }
  const char *why = hd_cg_has_dotdot(path) ? "has a \".\" or \"..\" component"
                    : strspn(path, "/") == strlen(path)
                        ? "is the root cgroup, which cannot hold a container"
                    : has_empty_component(path)
                        ? "has an empty component (\"//\" or a trailing \"/\")"
                    : has_control_char(path) ? "has a control character"
                                             : NULL;
  if (why)
    return hd_error_set(err, 0,
                        "refused by policy (cgroup-path): linux.cgroupsPath "
                        "\"%s\" %s",
                        has_control_char(path) ? "" : path, why);
  *out = hd_cg_normalize(path);
  return 0;
}

char *hd_cgroup_resolve_path(const char *cgroups_path, const char *id,
                             bool systemd_cgroup) {
  cleanup_error hd_error_t err = NULL;
  char *out = NULL;
  if (hd_cgroup_resolve(cgroups_path, id, systemd_cgroup, &out, &err) < 0) {
    hd_debug("%s", err->msg);
    return NULL;
  }
  return out;
}
