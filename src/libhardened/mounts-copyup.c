/* tmpcopyup: a fresh tmpfs starts with a copy of what the image has at its
 * mount point (docker's and podman's option). The copy runs in the init
 * before the tmpfs is attached, from a directory resolved inside the
 * rootfs, and never follows a symlink: each one is copied as a symlink,
 * and every step is an openat(O_NOFOLLOW) below an fd already checked to
 * be a directory of the image, so nothing outside it is read. It stays
 * on the image's filesystem (a mount below the point is not copied), and
 * keeps owners and modes, as runc does; the tmpfs's own size bounds it. */
#define _GNU_SOURCE
#include "log.h"
#include "safe-path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { COPYUP_MAX_DEPTH = 64 };

typedef struct {
  dev_t dev; /* the image's filesystem */
  const char *what;
} copyup;

static int copy_tree(const copyup *c, int from, int to, int depth,
                     hd_error_t *err);

static int copy_owner_mode(int fd, const struct stat *st, const copyup *c,
                           const char *name, hd_error_t *err) {
  if (fchown(fd, st->st_uid, st->st_gid) < 0 ||
      fchmod(fd, st->st_mode & 07777) < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: owner and mode of %s",
                        c->what, name);
  return 0;
}

static int copy_file(const copyup *c, int from, int to, const char *name,
                     const struct stat *st, hd_error_t *err) {
  cleanup_close int in =
      openat(from, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  cleanup_close int out = openat(
      to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (in < 0 || out < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: %s", c->what, name);
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0)
        return hd_error_set(err, errno, "%s: tmpcopyup: writing %s", c->what,
                            name);
      off += w;
    }
  if (n < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: reading %s", c->what, name);
  return copy_owner_mode(out, st, c, name, err);
}

static int copy_symlink(const copyup *c, int from, int to, const char *name,
                        const struct stat *st, hd_error_t *err) {
  char target[PATH_MAX];
  ssize_t n = readlinkat(from, name, target, sizeof target - 1);
  if (n < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: %s", c->what, name);
  target[n] = '\0';
  if (symlinkat(target, to, name) < 0 ||
      fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: symlink %s", c->what, name);
  return 0;
}

static int copy_subdir(const copyup *c, int from, int to, const char *name,
                       const struct stat *st, int depth, hd_error_t *err) {
  if (mkdirat(to, name, 0700) < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: mkdir %s", c->what, name);
  cleanup_close int sub_from =
      openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  cleanup_close int sub_to =
      openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub_from < 0 || sub_to < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: %s", c->what, name);
  if (copy_tree(c, sub_from, sub_to, depth + 1, err) < 0)
    return -1;
  return copy_owner_mode(sub_to, st, c, name, err);
}

static int copy_entry(const copyup *c, int from, int to, const char *name,
                      int depth, hd_error_t *err) {
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup: %s", c->what, name);
  if (st.st_dev != c->dev)
    return 0; /* another mount below the point */
  if (S_ISDIR(st.st_mode))
    return copy_subdir(c, from, to, name, &st, depth, err);
  if (S_ISREG(st.st_mode))
    return copy_file(c, from, to, name, &st, err);
  if (S_ISLNK(st.st_mode))
    return copy_symlink(c, from, to, name, &st, err);
  /* Device nodes, FIFOs and sockets are not content; the tmpfs is nodev
   * anyway. */
  hd_debug("%s: tmpcopyup: skipping %s (not a file, directory or symlink)",
           c->what, name);
  return 0;
}

static int copy_tree(const copyup *c, int from, int to, int depth,
                     hd_error_t *err) {
  if (depth > COPYUP_MAX_DEPTH)
    return hd_error_set(err, ELOOP, "%s: tmpcopyup: deeper than %d levels",
                        c->what, COPYUP_MAX_DEPTH);
  int dup_fd = fcntl(from, F_DUPFD_CLOEXEC, 0);
  DIR *dir = dup_fd < 0 ? NULL : fdopendir(dup_fd);
  if (dir == NULL) {
    hd_closep(&dup_fd);
    return hd_error_set(err, errno, "%s: tmpcopyup: reading the directory",
                        c->what);
  }
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (errno = 0, e = readdir(dir)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      rc = copy_entry(c, from, to, e->d_name, depth, err);
  if (rc == 0 && errno != 0)
    rc = hd_error_set(err, errno, "%s: tmpcopyup: reading the directory",
                      c->what);
  closedir(dir);
  return rc;
}

int hd_tmpfs_copy_up(int image_dir, int tmpfs_fd, const char *what,
                     hd_error_t *err) {
  struct stat st;
  cleanup_close int from =
      openat(image_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int to =
      openat(tmpfs_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (from < 0 || to < 0 || fstat(from, &st) < 0)
    return hd_error_set(err, errno, "%s: tmpcopyup", what);
  copyup c = {.dev = st.st_dev, .what = what};
  return copy_tree(&c, from, to, 0, err);
}
