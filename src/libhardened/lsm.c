/* Writing an LSM attr file of our own thread. The file must really be
 * procfs's: a hostile spec controls the mounts of the container's /proc,
 * and a tmpfs or a file bound over /proc/thread-self/attr/exec would
 * swallow the label, leaving the process unconfined. So the path is
 * opened below a /proc that is procfs, without crossing a mount
 * (openat2 RESOLVE_NO_XDEV: anything mounted over attr/ is refused), and
 * the file found is checked to be on procfs again. */
#define _GNU_SOURCE
#include "lsm.h"

#include "safe-path.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static bool on_procfs(int fd) {
  struct statfs fs;
  return fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* ENOSYS (kernel < 5.6): the plain open, checked by on_procfs after. */
static int open_attr(int proc_fd, const char *rel) {
  int fd = hd_openat2(proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOCTTY,
                      RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 && errno == ENOSYS)
    fd = openat(proc_fd, rel, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  return fd;
}

/* Writes `value` to the first of `rels` (below /proc) that exists. */
static int write_attr(const char *field, const char *const *rels, size_t n,
                      const char *value, hd_error_t *err) {
  cleanup_close int proc_fd =
      open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (proc_fd < 0 || !on_procfs(proc_fd))
    return hd_error_set(err, proc_fd < 0 ? errno : 0, "%s: /proc is not procfs",
                        field);
  int fd = -1;
  size_t i = 0;
  for (; i < n; i++) {
    fd = open_attr(proc_fd, rels[i]);
    if (fd >= 0 || errno != ENOENT)
      break;
  }
  if (fd < 0)
    return hd_error_set(err, errno, "%s: opening /proc/%s", field,
                        rels[i < n ? i : n - 1]);
  cleanup_close int attr = fd;
  if (!on_procfs(attr))
    return hd_error_set(err, 0, "%s: /proc/%s is not procfs's", field, rels[i]);
  size_t len = strlen(value);
  ssize_t w = write(attr, value, len);
  if (w < 0 || (size_t)w != len)
    return hd_error_set(err, w < 0 ? errno : EIO, "%s \"%s\": writing /proc/%s",
                        field, value, rels[i]);
  return 0;
}

/* AppArmor's own attr directory (kernel 5.8+, with LSM stacking) first,
 * then the shared one. */
static int apparmor_exec(const char *profile, hd_error_t *err) {
  static const char *const rels[] = {"thread-self/attr/apparmor/exec",
                                     "thread-self/attr/exec"};
  cleanup_free char *value = xasprintf("exec %s", profile);
  return write_attr("process.apparmorProfile", rels, 2, value, err);
}

static int selinux_exec(const char *label, hd_error_t *err) {
  static const char *const rels[] = {"thread-self/attr/selinux/exec",
                                     "thread-self/attr/exec"};
  return write_attr("process.selinuxLabel", rels, 2, label, err);
}

int hd_lsm_apply(const oci_process *p, hd_error_t *err) {
  if (p->apparmor_profile && *p->apparmor_profile &&
      apparmor_exec(p->apparmor_profile, err) < 0)
    return -1;
  if (p->selinux_label && *p->selinux_label &&
      selinux_exec(p->selinux_label, err) < 0)
    return -1;
  return 0;
}
