/* The container cgroup's life cycle, on top of the rest: create (the
 * cgroupfs driver's dirs, the ownership record, the resources), the
 * processes in it, freeze and destroy. Layout detection is in
 * cgroup-setup.c, path resolution in cgroup-path.c, the dirs in
 * cgroup-cgroupfs.c, the resources in cgroup-resources.c and the v1/v2
 * writers, the shared file helpers in cgroup-utils.c; placing new
 * processes in cgroup-join.c. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The record is written before anything can join the dirs, so whatever
 * is in them later got there through this container. */
int hd_cgroup_create(const char *path, const oci_resources *resources,
                     int state_fd, hd_cgroup **out, hd_error_t *err) {
  hd_cgroup *cg = NULL;
  if (hd_cg_new(path, &cg, err) < 0)
    return hd_error_wrap(err, "creating cgroup %s", path ? path : "");
  int r = hd_cg_create_dirs(cg, err);
  if (r == 0)
    r = hd_cg_owned_write(state_fd, cg, err);
  if (r == 0)
    hd_cg_v2_enable_all(cg);
  if (r < 0 || hd_cgroup_apply_resources(cg, resources, err) < 0) {
    hd_cg_remove_all_created(cg);
    hd_cg_owned_remove(state_fd);
    hd_cgroup_free(cg);
    if (r == -2)
      return -1; /* the refusal names the field and the dir already */
    return hd_error_wrap(err, "creating cgroup %s", path);
  }
  for (size_t i = 0; i < cg->n; i++) {
    free(cg->dirs[i].created_top);
    cg->dirs[i].created_top = NULL;
  }
  *out = cg;
  return 0;
}

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
  if (hd_cg_require_owned(cg, err) < 0)
    return -1;
  const hd_cg_dir *d = tracking_dir(cg);
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
  if (cg->n == 0)
    r = hd_cg_require_owned(cg, err);
  else if (d)
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
