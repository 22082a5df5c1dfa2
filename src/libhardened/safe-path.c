/* Path resolution that stays inside a root. Every step of a walk is made
 * relative to an fd that was itself resolved inside the root, so a symlink
 * swapped in between two steps can never point a mount outside of it. */
#define _GNU_SOURCE
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int hd_openat2(int dirfd, const char *path, int flags, uint64_t resolve) {
  struct open_how how = {.flags = (uint64_t)flags, .resolve = resolve};
  if (flags & O_CREAT)
    how.mode = 0644;
  return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

bool hd_path_has_dotdot(const char *path) {
  for (const char *p = path; *p;) {
    size_t n = strcspn(p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return true;
    p += n;
    p += strspn(p, "/");
  }
  return false;
}

const char *hd_fd_path(char *buf, int fd) {
  snprintf(buf, 32, "/proc/self/fd/%d", fd);
  return buf;
}

/* Create one missing component `name` in the verified directory parent_fd
 * and return an O_PATH fd of it. */
static int create_component(int parent_fd, const char *name, bool as_file,
                            const char *path, hd_error_t *err) {
  if (as_file) {
    int fd = openat(parent_fd, name,
                    O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST)
      return hd_error_set(err, errno, "creating file %s", path);
    if (fd >= 0)
      close(fd);
  } else if (mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST) {
    return hd_error_set(err, errno, "creating directory %s", path);
  }
  /* Someone may have won a race with a symlink: O_NOFOLLOW plus the type
   * check below refuse it. */
  int fd = openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "opening %s", path);
  struct stat st = {0};
  if (fstat(fd, &st) < 0 ||
      (as_file ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode))) {
    close(fd);
    if (S_ISLNK(st.st_mode))
      return hd_error_set(err, ENOENT,
                          "%s: a symlink whose target is "
                          "missing inside the rootfs",
                          path);
    return hd_error_set(err, ENOTDIR, "%s: exists but is not a %s", path,
                        as_file ? "regular file" : "directory");
  }
  return fd;
}

static int create_missing(int root_fd, const char *path, hd_create_kind create,
                          int flags, hd_error_t *err) {
  const uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  cleanup_free char *prefix = xcalloc(1, strlen(path) + 2);
  cleanup_close int cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
  if (cur < 0)
    return hd_error_set(err, errno, "dup of the rootfs fd");
  for (const char *p = path + strspn(path, "/"); *p;) {
    size_t n = strcspn(p, "/");
    const char *next = p + n + strspn(p + n, "/");
    bool last = *next == '\0';
    char name[NAME_MAX + 1];
    if (n > NAME_MAX)
      return hd_error_set(err, ENAMETOOLONG, "%s", path);
    memcpy(name, p, n);
    name[n] = '\0';
    strcat(strcat(prefix, "/"), name);
    int fd =
        hd_openat2(root_fd, prefix, last ? flags : O_PATH | O_CLOEXEC, resolve);
    if (fd < 0 && errno != ENOENT)
      return hd_error_set(err, errno, "resolving %s inside the rootfs", prefix);
    if (fd < 0)
      fd = create_component(cur, name, last && create == HD_CREATE_FILE, prefix,
                            err);
    if (fd < 0)
      return -1;
    close(cur);
    cur = fd;
    p = next;
  }
  return hd_steal_fd(&cur);
}

int hd_resolve_in_root(int root_fd, const char *path, hd_create_kind create,
                       bool nofollow_last, hd_error_t *err) {
  const uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int flags = O_PATH | O_CLOEXEC | (nofollow_last ? O_NOFOLLOW : 0);
  if (hd_path_has_dotdot(path))
    return hd_error_set(err, EINVAL, "%s: path contains \"..\"", path);
  int fd = hd_openat2(root_fd, path, flags, resolve);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT || create == HD_CREATE_NONE)
    return hd_error_set(err, errno, "resolving %s inside the rootfs", path);
  return create_missing(root_fd, path, create, flags, err);
}

int hd_open_procfs_dir(const char *path, hd_error_t *err) {
  cleanup_close int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "opening %s", path);
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0)
    return hd_error_set(err, errno, "fstatfs %s", path);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return hd_error_set(err, EXDEV, "%s is not procfs (magic 0x%lx)", path,
                        (unsigned long)sfs.f_type);
  return hd_steal_fd(&fd);
}

int hd_write_beneath(int dir_fd, const char *rel, const char *value,
                     hd_error_t *err) {
  const uint64_t resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                           RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  cleanup_close int fd =
      hd_openat2(dir_fd, rel, O_WRONLY | O_CLOEXEC | O_NOCTTY, resolve);
  if (fd < 0)
    return hd_error_set(err, errno, "opening %s", rel);
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  if (n < 0)
    return hd_error_set(err, errno, "writing \"%s\" to %s", value, rel);
  if ((size_t)n != len)
    return hd_error_set(err, EIO, "short write of \"%s\" to %s", value, rel);
  return 0;
}
