/* Layout detection, path resolution and the container cgroup's life
 * cycle. The per-controller file writers live in cgroup-v1.c and
 * cgroup-v2.c; the v2 device filter in cgroup-v2-devices.c; placing new
 * processes in cgroup-join.c.
 *
 * Every controller is looked up on its own: a v1 hierarchy when one is
 * mounted, else the cgroup2 hierarchy when it offers the controller. That
 * one rule covers pure v1, pure v2 and hybrid hosts (where e.g. hugetlb
 * may be left to the unified hierarchy). */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_MOUNT "/sys/fs/cgroup"

static void fclosep(FILE **f) {
  if (*f)
    fclose(*f);
}
#define cleanup_file __attribute__((cleanup(fclosep)))

/* ---- small file helpers ---- */

int hd_cg_write(const char *dir, const char *name, const char *value,
                hd_error_t *err) {
  cleanup_free char *p = xasprintf("%s/%s", dir, name);
  cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "writing %s", name);
  size_t len = strlen(value);
  ssize_t w = write(fd, value, len);
  if (w < 0)
    return hd_error_set(err, errno, "writing %s", name);
  if ((size_t)w != len)
    return hd_error_set(err, EIO, "writing %s", name);
  return 0;
}

int hd_cg_writef(const char *dir, const char *name, hd_error_t *err,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cleanup_free char *v = NULL;
  if (vasprintf(&v, fmt, ap) < 0)
    abort();
  va_end(ap);
  return hd_cg_write(dir, name, v, err);
}

char *hd_cg_read(const char *dir, const char *name, hd_error_t *err) {
  cleanup_free char *p = xasprintf("%s/%s", dir, name);
  cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    hd_error_set(err, errno, "reading %s", name);
    return NULL;
  }
  size_t cap = 4096, len = 0;
  cleanup_free char *buf = xmalloc(cap);
  for (;;) {
    if (len + 1 >= cap)
      buf = xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      hd_error_set(err, errno, "reading %s", name);
      return NULL;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  buf[len] = '\0';
  return hd_steal_pointer(&buf);
}

bool hd_cg_exists(const char *dir, const char *name) {
  cleanup_free char *p = xasprintf("%s/%s", dir, name);
  return access(p, F_OK) == 0;
}

void hd_cg_nap(int attempt) {
  /* 1ms growing to 50ms: quick when the kernel is quick, gentle when
   * it is not. */
  long ms = attempt < 6 ? 1L << attempt : 50;
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

uint64_t hd_cg_shares_to_weight(uint64_t shares) {
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

bool hd_cg_valid_page_size(const char *s) {
  size_t digits = strspn(s, "0123456789");
  if (digits == 0)
    return false;
  return strchr("KMGT", s[digits]) != NULL && s[digits] != '\0' &&
         s[digits + 1] == 'B' && s[digits + 2] == '\0';
}

int hd_cg_check_page_size(const oci_hugepage_limit *l, hd_error_t *err) {
  if (l->page_size && hd_cg_valid_page_size(l->page_size))
    return 0;
  return hd_error_set(err, 0,
                      "linux.resources.hugepageLimits: invalid pageSize \"%s\"",
                      l->page_size ? l->page_size : "");
}

/* ---- layout ---- */

/* mountinfo escapes blanks as \040 and friends. */
static void unescape_octal(char *s) {
  char *out = s;
  for (char *in = s; *in; in++) {
    if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' &&
        in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
      *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
      in += 3;
    } else {
      *out++ = *in;
    }
  }
  *out = '\0';
}

static bool under_cgroup_mount(const char *mountpoint) {
  size_t n = strlen(CGROUP_MOUNT);
  return strncmp(mountpoint, CGROUP_MOUNT, n) == 0 &&
         (mountpoint[n] == '\0' || mountpoint[n] == '/');
}

/* The super options of a v1 mount name its controllers among other
 * flags; keep the names /proc/cgroups knows, plus name=systemd. */
static char *v1_controllers(const char *superopts, const char *known,
                            bool *named) {
  cleanup_free char *copy = xstrdup(superopts);
  char *list = xstrdup(",");
  char *save = NULL;
  *named = false;
  for (char *t = strtok_r(copy, ",", &save); t;
       t = strtok_r(NULL, ",", &save)) {
    cleanup_free char *needle = xasprintf(",%s,", t);
    bool is_named = strcmp(t, "name=systemd") == 0;
    if (!is_named && strstr(known, needle) == NULL)
      continue;
    *named |= is_named;
    char *grown = xasprintf("%s%s,", list, t);
    free(list);
    list = grown;
  }
  return list;
}

static char *known_controllers(void) {
  cleanup_file FILE *f = fopen("/proc/cgroups", "re");
  char *known = xstrdup(",");
  if (f == NULL)
    return known;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    char name[64];
    if (line[0] == '#' || sscanf(line, "%63s", name) != 1)
      continue;
    char *grown = xasprintf("%s%s,", known, name);
    free(known);
    known = grown;
  }
  return known;
}

static void layout_add(hd_cg_layout *l, const char *mountpoint,
                       const char *root, char *controllers, bool v2,
                       bool named) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->h[i].mountpoint, mountpoint) == 0) {
      free(controllers); /* mounted twice on the same place */
      return;
    }
  l->h = xrealloc(l->h, (l->n + 1) * sizeof *l->h);
  l->h[l->n] = (hd_cg_hierarchy){xstrdup(mountpoint), xstrdup(root),
                                 controllers, v2, named};
  if (v2)
    l->v2_index = (int)l->n;
  l->n++;
}

/* One mountinfo line: "id parent maj:min root mountpoint opts [opt...]
 * - fstype source superopts". */
static void parse_mount_line(hd_cg_layout *l, char *line, const char *known) {
  char *fields[6] = {0}, *save = NULL, *t;
  int i = 0;
  for (t = strtok_r(line, " \n", &save); t && i < 5;
       t = strtok_r(NULL, " \n", &save))
    fields[i++] = t;
  while (t && strcmp(t, "-") != 0)
    t = strtok_r(NULL, " \n", &save);
  char *fstype = strtok_r(NULL, " \n", &save);
  strtok_r(NULL, " \n", &save); /* source */
  char *superopts = strtok_r(NULL, " \n", &save);
  if (i < 5 || fstype == NULL || superopts == NULL)
    return;
  unescape_octal(fields[3]);
  unescape_octal(fields[4]);
  if (!under_cgroup_mount(fields[4]))
    return;
  if (strcmp(fstype, "cgroup2") == 0) {
    if (l->v2_index < 0)
      layout_add(l, fields[4], fields[3], NULL, true, false);
    return;
  }
  if (strcmp(fstype, "cgroup") != 0)
    return;
  bool named;
  char *ctrls = v1_controllers(superopts, known, &named);
  if (strcmp(ctrls, ",") == 0) {
    free(ctrls); /* another named hierarchy: not ours to populate */
    return;
  }
  layout_add(l, fields[4], fields[3], ctrls, false, named);
}

static int detect_layout(hd_cg_layout *l, hd_error_t *err) {
  *l = (hd_cg_layout){.v2_index = -1};
  struct statfs sfs;
  if (statfs(CGROUP_MOUNT, &sfs) < 0)
    return hd_error_set(err, errno, "statfs %s", CGROUP_MOUNT);
  l->pure_v2 = sfs.f_type == CGROUP2_SUPER_MAGIC;
  cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return hd_error_set(err, errno, "opening /proc/self/mountinfo");
  cleanup_free char *known = known_controllers();
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0)
    parse_mount_line(l, line, known);
  if (l->n == 0)
    return hd_error_set(err, 0, "no cgroup hierarchy mounted under %s",
                        CGROUP_MOUNT);
  if (l->v2_index >= 0) {
    hd_error_t ignored = NULL;
    l->v2_root_controllers = hd_cg_read(l->h[l->v2_index].mountpoint,
                                        "cgroup.controllers", &ignored);
    hd_error_free(&ignored);
  }
  if (l->v2_root_controllers == NULL)
    l->v2_root_controllers = xstrdup("");
  return 0;
}

const hd_cg_layout *hd_cg_get_layout(hd_error_t *err) {
  static hd_cg_layout layout;
  static bool detected;
  if (!detected) {
    if (detect_layout(&layout, err) < 0)
      return NULL;
    detected = true;
  }
  return &layout;
}

/* ---- paths ---- */

/* "//a/b/" -> "/a/b", so the walks over '/' see each level once. */
static char *normalize(const char *path) {
  char *out = xmalloc(strlen(path) + 1), *o = out;
  for (const char *p = path; *p; p++)
    if (*p != '/' || o == out || o[-1] != '/')
      *o++ = *p;
  if (o > out + 1 && o[-1] == '/')
    o--;
  *o = '\0';
  return out;
}

static bool has_dotdot(const char *path) {
  cleanup_free char *copy = xstrdup(path);
  char *save = NULL;
  for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
    if (strcmp(t, "..") == 0 || strcmp(t, ".") == 0)
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
  if (has_dotdot(path))
    return hd_error_set(err, 0,
                        "cgroupsPath \"%s\": \".\" and \"..\" are "
                        "not allowed",
                        path);
  if (strspn(path, "/") == strlen(path))
    return hd_error_set(err, 0,
                        "cgroupsPath \"%s\": the root cgroup cannot "
                        "hold a container",
                        path);
  *out = normalize(path);
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

/* ---- the container cgroup object ---- */

static bool hierarchy_has(const hd_cg_hierarchy *h, const char *controller) {
  if (h->v2 || h->controllers == NULL)
    return false;
  cleanup_free char *needle = xasprintf(",%s,", controller);
  return strstr(h->controllers, needle) != NULL;
}

const hd_cg_dir *hd_cg_v1_dir(const hd_cgroup *cg, const char *controller) {
  for (size_t i = 0; i < cg->n; i++)
    if (hierarchy_has(cg->dirs[i].h, controller))
      return &cg->dirs[i];
  return NULL;
}

static bool word_in(const char *list, const char *word) {
  size_t wl = strlen(word);
  if (wl == 0)
    return false;
  for (const char *p = list; (p = strstr(p, word)) != NULL; p += wl)
    if ((p == list || p[-1] == ' ') &&
        (p[wl] == ' ' || p[wl] == '\0' || p[wl] == '\n'))
      return true;
  return false;
}

/* Enable controller in cgroup.subtree_control of every ancestor of the
 * container's cgroup2 dir, top down (the kernel requires that order). */
static int v2_enable(hd_cgroup *cg, const char *controller, hd_error_t *err) {
  const hd_cg_dir *d = &cg->dirs[cg->v2_dir];
  size_t root_len = strlen(d->h->mountpoint);
  cleanup_free char *dir = xstrdup(d->dir);
  cleanup_free char *value = xasprintf("+%s", controller);
  /* Cutting the path at each '/' past the mount point yields every
   * ancestor (root first) but never the container's own dir, which stays
   * a leaf as the no-internal-processes rule wants. */
  for (char *slash = dir + root_len; slash; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    cleanup_free char *enabled = hd_cg_read(dir, "cgroup.subtree_control", err);
    int r = 0;
    if (enabled == NULL)
      r = -1;
    else if (!word_in(enabled, controller))
      r = hd_cg_write(dir, "cgroup.subtree_control", value, err);
    if (r < 0)
      return hd_error_wrap(err, "enabling %s in cgroup %s", controller,
                           dir[root_len] ? dir + root_len : "/");
    *slash = '/';
  }
  return 0;
}

const hd_cg_dir *hd_cg_v2_dir_for(hd_cgroup *cg, const char *controller,
                                  hd_error_t *err, bool *failed) {
  *failed = false;
  const hd_cg_layout *l = hd_cg_get_layout(err);
  if (cg->v2_dir < 0 || l == NULL ||
      !word_in(l->v2_root_controllers, controller))
    return NULL;
  if (v2_enable(cg, controller, err) < 0) {
    *failed = true;
    return NULL;
  }
  return &cg->dirs[cg->v2_dir];
}

static char *dir_in(const hd_cg_hierarchy *h, const char *path) {
  return xasprintf("%s%s", h->mountpoint, path);
}

/* Build the object for path without touching the filesystem. */
static int cgroup_new(const char *path, hd_cgroup **out, hd_error_t *err) {
  if (path == NULL || path[0] != '/' || has_dotdot(path) ||
      strspn(path, "/") == strlen(path))
    return hd_error_set(err, 0, "invalid cgroup path \"%s\"", path ? path : "");
  const hd_cg_layout *l = hd_cg_get_layout(err);
  if (l == NULL)
    return -1;
  hd_cgroup *cg = xcalloc(1, sizeof *cg);
  cg->path = normalize(path);
  cg->dirs = xcalloc(l->n, sizeof *cg->dirs);
  cg->v2_dir = -1;
  cg->v2_dirfd = -1;
  for (size_t i = 0; i < l->n; i++) {
    cg->dirs[i] = (hd_cg_dir){&l->h[i], dir_in(&l->h[i], cg->path), NULL, -1};
    if (l->h[i].v2)
      cg->v2_dir = (int)i;
  }
  cg->n = l->n;
  *out = cg;
  return 0;
}

void hd_cgroup_free(hd_cgroup *cg) {
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n; i++) {
    free(cg->dirs[i].dir);
    free(cg->dirs[i].created_top);
    if (cg->dirs[i].join_fd >= 0)
      close(cg->dirs[i].join_fd);
  }
  if (cg->v2_dirfd >= 0)
    close(cg->v2_dirfd);
  free(cg->dirs);
  free(cg->path);
  free(cg);
}

const char *hd_cgroup_path(const hd_cgroup *cg) {
  return cg->path;
}

int hd_cgroup_open(const char *path, hd_cgroup **out, hd_error_t *err) {
  if (cgroup_new(path, out, err) < 0)
    return hd_error_wrap(err, "opening cgroup %s", path ? path : "");
  return 0;
}

/* ---- create / apply ---- */

/* mkdir -p below the mount point, remembering the first dir made. */
static int mkdir_below(hd_cg_dir *d, hd_error_t *err) {
  size_t root_len = strlen(d->h->mountpoint);
  cleanup_free char *dir = xstrdup(d->dir);
  for (char *slash = dir + root_len; slash;) {
    char *next = strchr(slash + 1, '/');
    if (next)
      *next = '\0';
    if (mkdir(dir, 0755) == 0) {
      if (d->created_top == NULL)
        d->created_top = xstrdup(dir);
    } else if (errno != EEXIST) {
      return hd_error_set(err, errno, "mkdir %s", dir);
    }
    if (next)
      *next = '/';
    slash = next;
  }
  return 0;
}

/* Undo mkdir_below: rmdir from the leaf up to created_top. */
static void remove_created(hd_cg_dir *d) {
  if (d->created_top == NULL || d->dir == NULL)
    return;
  cleanup_free char *dir = xstrdup(d->dir);
  size_t top_len = strlen(d->created_top);
  while (strlen(dir) >= top_len) {
    if (rmdir(dir) < 0 && errno != ENOENT)
      hd_debug("cgroup: rmdir %s: %s", dir, strerror(errno));
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
      break;
    *slash = '\0';
  }
  free(d->created_top);
  d->created_top = NULL;
}

static int check_empty(const hd_cg_dir *d, hd_error_t *err) {
  cleanup_free char *procs = hd_cg_read(d->dir, "cgroup.procs", err);
  if (procs == NULL)
    return -1;
  if (*procs != '\0')
    return hd_error_set(err, EBUSY, "%s already holds processes", d->dir);
  return 0;
}

static int create_dirs(hd_cgroup *cg, hd_error_t *err) {
  for (size_t i = 0; i < cg->n; i++) {
    hd_cg_dir *d = &cg->dirs[i];
    int r = mkdir_below(d, err);
    if (r == 0 && !d->h->v2 && hierarchy_has(d->h, "cpuset"))
      r = hd_cg_v1_cpuset_prepare(d->h->mountpoint, d->dir, err);
    if (r == 0)
      r = check_empty(d, err);
    if (r < 0 && d->h->named) {
      /* docker and systemd like a name=systemd dir; nothing needs it. */
      hd_debug("cgroup: name=systemd: %s", (*err)->msg);
      hd_error_free(err);
      remove_created(d);
      continue;
    }
    if (r < 0)
      return -1;
  }
  return 0;
}

/* On a pure v2 host, turn on every controller the root offers (as other
 * runtimes do), so stats and later updates find their files. Best effort:
 * an ancestor holding processes cannot delegate, and resources that need
 * a controller report that precisely. */
static void v2_enable_all(hd_cgroup *cg) {
  const hd_cg_layout *l = hd_cg_get_layout(NULL);
  if (l == NULL || !l->pure_v2 || cg->v2_dir < 0)
    return;
  cleanup_free char *list = xstrdup(l->v2_root_controllers);
  char *save = NULL;
  for (char *c = strtok_r(list, " ", &save); c;
       c = strtok_r(NULL, " ", &save)) {
    hd_error_t e = NULL;
    if (v2_enable(cg, c, &e) < 0)
      hd_debug("cgroup: %s", e->msg);
    hd_error_free(&e);
  }
}

int hd_cgroup_create(const char *path, const oci_resources *resources,
                     hd_cgroup **out, hd_error_t *err) {
  hd_cgroup *cg = NULL;
  if (cgroup_new(path, &cg, err) < 0)
    return hd_error_wrap(err, "creating cgroup %s", path ? path : "");
  int r = create_dirs(cg, err);
  if (r == 0)
    v2_enable_all(cg);
  if (r < 0 || hd_cgroup_apply_resources(cg, resources, err) < 0) {
    for (size_t i = cg->n; i-- > 0;)
      remove_created(&cg->dirs[i]);
    hd_cgroup_free(cg);
    return hd_error_wrap(err, "creating cgroup %s", path);
  }
  for (size_t i = 0; i < cg->n; i++) {
    free(cg->dirs[i].created_top);
    cg->dirs[i].created_top = NULL;
  }
  *out = cg;
  return 0;
}

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

/* ---- pids / freeze / destroy (joining: cgroup-join.c) ---- */

/* The hierarchy whose cgroup.procs lists the container's processes. */
static const hd_cg_dir *tracking_dir(const hd_cgroup *cg) {
  if (cg->v2_dir >= 0)
    return &cg->dirs[cg->v2_dir];
  static const char *const prefer[] = {"pids", "freezer", "memory", "cpu"};
  for (size_t i = 0; i < sizeof prefer / sizeof *prefer; i++) {
    const hd_cg_dir *d = hd_cg_v1_dir(cg, prefer[i]);
    if (d)
      return d;
  }
  for (size_t i = 0; i < cg->n; i++)
    if (!cg->dirs[i].h->named)
      return &cg->dirs[i];
  return cg->n ? &cg->dirs[0] : NULL;
}

static void push_pid(pid_t **pids, size_t *n, pid_t pid) {
  *pids = xrealloc(*pids, (*n + 1) * sizeof **pids);
  (*pids)[(*n)++] = pid;
}

static int collect_pids(const char *dir, pid_t **pids, size_t *n, int depth,
                        hd_error_t *err) {
  cleanup_free char *procs = hd_cg_read(dir, "cgroup.procs", err);
  if (procs == NULL)
    return -1;
  char *save = NULL;
  for (char *t = strtok_r(procs, "\n", &save); t;
       t = strtok_r(NULL, "\n", &save))
    push_pid(pids, n, (pid_t)strtol(t, NULL, 10));
  if (depth > 64)
    return 0; /* cgroup trees are shallow; stop on anything odd */
  DIR *dp = opendir(dir);
  if (dp == NULL)
    return hd_error_set(err, errno, "opendir %s", dir);
  struct dirent *de;
  int r = 0;
  while (r == 0 && (de = readdir(dp)) != NULL) {
    if (de->d_type != DT_DIR || de->d_name[0] == '.')
      continue;
    cleanup_free char *child = xasprintf("%s/%s", dir, de->d_name);
    r = collect_pids(child, pids, n, depth + 1, err);
    if (r < 0 && (*err)->errno_value == ENOENT) {
      hd_error_free(err); /* removed while we walked */
      r = 0;
    }
  }
  closedir(dp);
  return r;
}

int hd_cgroup_pids(hd_cgroup *cg, pid_t **pids, size_t *n, hd_error_t *err) {
  *pids = NULL;
  *n = 0;
  const hd_cg_dir *d = tracking_dir(cg);
  if (d == NULL)
    return hd_error_set(err, ENOENT, "cgroup %s: no hierarchy", cg->path);
  if (collect_pids(d->dir, pids, n, 0, err) < 0) {
    free(*pids);
    *pids = NULL;
    *n = 0;
    return hd_error_wrap(err, "listing processes of cgroup %s", cg->path);
  }
  return 0;
}

int hd_cgroup_freeze(hd_cgroup *cg, bool frozen, hd_error_t *err) {
  const hd_cg_dir *d = hd_cg_v1_dir(cg, "freezer");
  int r;
  if (d)
    r = hd_cg_v1_freeze(d->dir, frozen, err);
  else if (cg->v2_dir >= 0)
    r = hd_cg_v2_freeze(cg->dirs[cg->v2_dir].dir, frozen, err);
  else
    r = hd_error_set(err, 0,
                     "no freezer: neither a v1 freezer hierarchy "
                     "nor cgroup v2 is mounted");
  if (r < 0)
    return hd_error_wrap(err, "%s cgroup %s", frozen ? "freezing" : "thawing",
                         cg->path);
  return 0;
}

/* SIGKILL until cgroup.procs reads empty; about five seconds at most. */
static int kill_all(hd_cgroup *cg, hd_error_t *err) {
  const hd_cg_dir *d = tracking_dir(cg);
  if (d == NULL)
    return 0;
  if (cg->v2_dir >= 0 && hd_cg_exists(d->dir, "cgroup.kill")) {
    hd_error_t ignored = NULL;
    hd_cg_write(d->dir, "cgroup.kill", "1", &ignored);
    hd_error_free(&ignored);
  }
  for (int attempt = 0; attempt < 110; attempt++) {
    pid_t *pids = NULL;
    size_t n = 0;
    if (collect_pids(d->dir, &pids, &n, 0, err) < 0) {
      if ((*err)->errno_value != ENOENT)
        return hd_error_wrap(err, "destroying cgroup %s", cg->path);
      hd_error_free(err);
      return 0;
    }
    /* 0 is a process outside our pid namespace, not our group. */
    for (size_t i = 0; i < n; i++)
      if (pids[i] > 0)
        kill(pids[i], SIGKILL);
    free(pids);
    if (n == 0)
      return 0;
    hd_cg_nap(attempt);
  }
  return hd_error_set(err, EBUSY,
                      "destroying cgroup %s: processes survive "
                      "SIGKILL",
                      cg->path);
}

/* rmdir a cgroup and its children, deepest first. A cgroup whose last
 * task just died can stay busy for a moment, hence the retries. */
static int remove_tree(const char *dir, int depth, hd_error_t *err) {
  DIR *dp = opendir(dir);
  if (dp == NULL)
    return errno == ENOENT ? 0 : hd_error_set(err, errno, "opendir %s", dir);
  struct dirent *de;
  int r = 0;
  while (r == 0 && depth < 64 && (de = readdir(dp)) != NULL) {
    if (de->d_type != DT_DIR || de->d_name[0] == '.')
      continue;
    cleanup_free char *child = xasprintf("%s/%s", dir, de->d_name);
    r = remove_tree(child, depth + 1, err);
  }
  closedir(dp);
  if (r < 0)
    return -1;
  for (int attempt = 0; attempt < 40; attempt++) {
    if (rmdir(dir) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY)
      break;
    hd_cg_nap(attempt);
  }
  return hd_error_set(err, errno, "rmdir %s", dir);
}

int hd_cgroup_destroy(hd_cgroup *cg, hd_error_t *err) {
  hd_error_t ignored = NULL;
  if (hd_cgroup_freeze(cg, false, &ignored) < 0)
    hd_debug("cgroup: %s", ignored->msg); /* often just "not there" */
  hd_error_free(&ignored);
  if (kill_all(cg, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; i < cg->n; i++) {
    hd_error_t e = NULL;
    if (remove_tree(cg->dirs[i].dir, 0, &e) == 0)
      continue;
    if (ret == 0 && !cg->dirs[i].h->named) {
      hd_error_free(err);
      *err = e;
      ret = hd_error_wrap(err, "destroying cgroup %s", cg->path);
    } else {
      hd_debug("cgroup: %s", e->msg);
      hd_error_free(&e);
    }
  }
  if (cg->v2_dirfd >= 0) {
    close(cg->v2_dirfd);
    cg->v2_dirfd = -1;
  }
  return ret;
}

bool hd_cgroup_is_frozen(const hd_cgroup *cg) {
  const hd_cg_dir *d = hd_cg_v1_dir(cg, "freezer");
  hd_error_t ignored = NULL;
  cleanup_free char *text = NULL;
  bool frozen = false;
  if (d) {
    /* FREEZING too: a task placed there now will not run. */
    text = hd_cg_read(d->dir, "freezer.state", &ignored);
    frozen = text && strcmp(text, "THAWED") != 0;
  } else if (cg->v2_dir >= 0) {
    text = hd_cg_read(cg->dirs[cg->v2_dir].dir, "cgroup.events", &ignored);
    const char *line = text ? strstr(text, "frozen ") : NULL;
    frozen = line && line[7] == '1';
  }
  hd_error_free(&ignored);
  return frozen;
}
