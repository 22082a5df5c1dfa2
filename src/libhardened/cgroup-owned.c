/* Which cgroup directories belong to a container: the ones its create
 * made with mkdir. They are recorded in the container's state dir
 * (HD_CGROUP_OWNED_FILE), one line per hierarchy, "<dev>:<ino> <dir>",
 * before any process can be in them. Every later command opens the
 * cgroup through that record and keeps only the dirs listed there whose
 * inode is still the one mkdir made; so delete, kill, pause, update and
 * exec act on those dirs and never on a cgroup hardened did not create,
 * whatever path the state names. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OWNED_MAX (64u << 10)

static char *owned_line(const char *dir, hd_error_t *err) {
  struct stat st;
  if (stat(dir, &st) < 0) {
    hd_error_set(err, errno, "stat %s", dir);
    return NULL;
  }
  return xasprintf("%" PRIu64 ":%" PRIu64 " %s\n", (uint64_t)st.st_dev,
                   (uint64_t)st.st_ino, dir);
}

int hd_cg_owned_write(int state_fd, const hd_cgroup *cg, hd_error_t *err) {
  cleanup_free char *text = xstrdup("");
  for (size_t i = 0; i < cg->n; i++) {
    cleanup_free char *line = owned_line(cg->dirs[i].dir, err);
    if (line == NULL)
      return hd_error_wrap(err, "recording cgroup %s", cg->path);
    char *grown = xasprintf("%s%s", text, line);
    free(text);
    text = grown;
  }
  if (hd_write_file_atomic_at(state_fd, HD_CGROUP_OWNED_FILE, text,
                              strlen(text), 0600, err) < 0)
    return hd_error_wrap(err, "recording cgroup %s", cg->path);
  return 0;
}

void hd_cg_owned_remove(int state_fd) {
  if (unlinkat(state_fd, HD_CGROUP_OWNED_FILE, 0) < 0 && errno != ENOENT)
    hd_debug("cgroup: removing %s: %s", HD_CGROUP_OWNED_FILE, strerror(errno));
}

/* The record lists dir, and dir is still the directory it names. */
static bool is_owned(const char *record, const char *dir) {
  cleanup_free char *want = owned_line(dir, NULL);
  if (want == NULL)
    return false; /* gone: nothing of ours to act on */
  size_t len = strlen(want);
  for (const char *p = record; *p;) {
    size_t n = strcspn(p, "\n");
    if (n + 1 == len && strncmp(p, want, n) == 0)
      return true;
    p += n;
    if (*p == '\n')
      p++;
  }
  return false;
}

void hd_cg_drop_dir(hd_cgroup *cg, size_t i) {
  hd_cg_dir *d = &cg->dirs[i];
  free(d->dir);
  free(d->created_top);
  if (d->join_fd >= 0)
    close(d->join_fd);
  memmove(d, d + 1, (cg->n - i - 1) * sizeof *d);
  cg->n--;
  if (cg->v2_dir == (int)i)
    cg->v2_dir = -1;
  else if (cg->v2_dir > (int)i)
    cg->v2_dir--;
}

void hd_cg_keep_owned(hd_cgroup *cg, int state_fd) {
  cleanup_free char *record = NULL;
  size_t len = 0;
  hd_error_t e = NULL;
  if (hd_read_file_at(state_fd, HD_CGROUP_OWNED_FILE, OWNED_MAX, &record, &len,
                      &e) < 0) {
    hd_debug("cgroup %s: no ownership record: %s", cg->path, e->msg);
    hd_error_free(&e);
    record = xstrdup("");
  }
  for (size_t i = cg->n; i-- > 0;)
    if (!is_owned(record, cg->dirs[i].dir)) {
      hd_debug("cgroup: %s is not this container's; left alone",
               cg->dirs[i].dir);
      hd_cg_drop_dir(cg, i);
    }
}
