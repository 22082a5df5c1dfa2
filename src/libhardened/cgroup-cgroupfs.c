/* The cgroupfs driver: the container's directory in each hierarchy,
 * made with mkdir and undone with rmdir, and where a controller is found.
 *
 * Every controller is looked up on its own: a v1 hierarchy when one is
 * mounted, else the cgroup2 hierarchy when it offers the controller. That
 * one rule covers pure v1, pure v2 and hybrid hosts (where e.g. hugetlb
 * may be left to the unified hierarchy). */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
int hd_cg_new(const char *path, hd_cgroup **out, hd_error_t *err) {
  if (path == NULL || path[0] != '/' || hd_cg_has_dotdot(path) ||
      strspn(path, "/") == strlen(path))
    return hd_error_set(err, 0, "invalid cgroup path \"%s\"", path ? path : "");
  const hd_cg_layout *l = hd_cg_get_layout(err);
  if (l == NULL)
    return -1;
  hd_cgroup *cg = xcalloc(1, sizeof *cg);
  cg->path = hd_cg_normalize(path);
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

/* exec --cgroup: the dirs kept are the ones the ownership record vouched
 * for, so a path below them stays inside what this container made. */
int hd_cgroup_descend(hd_cgroup *cg, const char *path, hd_error_t *err) {
  size_t len = strlen(cg->path);
  if (strcmp(path, cg->path) == 0)
    return 0;
  if (strncmp(path, cg->path, len) != 0 || path[len] != '/' ||
      hd_cg_has_dotdot(path))
    return hd_error_set(err, 0, "cgroup %s is not below the container's %s",
                        path, cg->path);
  for (size_t i = 0; i < cg->n; i++) {
    free(cg->dirs[i].dir);
    cg->dirs[i].dir = dir_in(cg->dirs[i].h, path);
  }
  free(cg->path);
  cg->path = xstrdup(path);
  return 0;
}

int hd_cgroup_open(int state_fd, const char *path, hd_cgroup **out,
                   hd_error_t *err) {
  if (hd_cg_new(path, out, err) < 0)
    return hd_error_wrap(err, "opening cgroup %s", path ? path : "");
  hd_cg_keep_owned(*out, state_fd);
  return 0;
}

/* What the calls that act on the processes need; destroy does not. */
int hd_cg_require_owned(const hd_cgroup *cg, hd_error_t *err) {
  if (cg->n > 0)
    return 0;
  return hd_error_set(err, ENOENT,
                      "cgroup %s: no directory of it was made by this "
                      "container's create (see %s in its state dir)",
                      cg->path, HD_CGROUP_OWNED_FILE);
}
/* mkdir -p below the mount point, remembering the first dir made. The
 * parents may exist (they are shared); the leaf must not: -2 when it
 * does. */
static int mkdir_below(hd_cg_dir *d, const char *path, hd_error_t *err) {
  size_t root_len = strlen(d->h->mountpoint);
  cleanup_free char *dir = xstrdup(d->dir);
  for (char *slash = dir + root_len; slash;) {
    char *next = strchr(slash + 1, '/');
    if (next)
      *next = '\0';
    if (mkdir(dir, 0755) == 0) {
      if (d->created_top == NULL)
        d->created_top = xstrdup(dir);
    } else if (errno == EEXIST && next == NULL) {
      hd_error_set(err, 0,
                   "refused by policy (cgroup-path): linux.cgroupsPath "
                   "\"%s\" names an existing cgroup (%s); hardened only "
                   "uses a cgroup it creates",
                   path, dir);
      return -2;
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

void hd_cg_remove_all_created(hd_cgroup *cg) {
  for (size_t i = cg->n; i-- > 0;)
    remove_created(&cg->dirs[i]);
}

/* A failure leaves the dirs made so far in created_top for the caller to
 * remove; a name=systemd dir that cannot be made is simply left out. */
int hd_cg_create_dirs(hd_cgroup *cg, hd_error_t *err) {
  for (size_t i = 0; i < cg->n;) {
    hd_cg_dir *d = &cg->dirs[i];
    int r = mkdir_below(d, cg->path, err);
    if (r == 0 && !d->h->v2 && hierarchy_has(d->h, "cpuset"))
      r = hd_cg_v1_cpuset_prepare(d->h->mountpoint, d->dir, err);
    if (r == -1 && d->h->named) {
      /* docker and systemd like a name=systemd dir; nothing needs it. */
      hd_debug("cgroup: name=systemd: %s", (*err)->msg);
      hd_error_free(err);
      remove_created(d);
      hd_cg_drop_dir(cg, i);
      continue;
    }
    if (r < 0)
      return r;
    i++;
  }
  return 0;
}

/* On a pure v2 host, turn on every controller the root offers (as other
 * runtimes do), so stats and later updates find their files. Best effort:
 * an ancestor holding processes cannot delegate, and resources that need
 * a controller report that precisely. */
void hd_cg_v2_enable_all(hd_cgroup *cg) {
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
