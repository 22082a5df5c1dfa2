/* Writes under /proc, always through a directory fd checked to be procfs,
 * so a container that mounted something else over /proc (or a path under
 * it) cannot redirect the write. */
#define _GNU_SOURCE
#include "mounts.h"
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "net.ipv4.ip_forward" -> "net/ipv4/ip_forward". A key that already uses
 * slashes keeps its dots, as sysctl(8) allows ("net/ipv4/conf/eth0.10/x").
 * Returns NULL when a component is empty or "..". */
static char *sysctl_key_to_path(const char *key) {
  cleanup_free char *path = xstrdup(key);
  if (strchr(path, '/') == NULL)
    for (char *c = path; *c; c++)
      if (*c == '.')
        *c = '/';
  for (const char *p = path;; p++) {
    size_t n = strcspn(p, "/");
    if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.') ||
        (n == 1 && p[0] == '.'))
      return NULL;
    p += n;
    if (*p == '\0')
      break;
  }
  return hd_steal_pointer(&path);
}

/* True when the file under dir_fd already holds `value`, compared word by
 * word: the kernel prints vectors with tabs ("4096\t87380") where specs
 * write spaces. */
static bool sysctl_has_value(int dir_fd, const char *rel, const char *value) {
  char current[4096];
  cleanup_close int fd =
      hd_openat2(dir_fd, rel, O_RDONLY | O_CLOEXEC,
                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                     RESOLVE_NO_XDEV);
  ssize_t n = fd < 0 ? -1 : read(fd, current, sizeof(current) - 1);
  if (n < 0)
    return false;
  current[n] = '\0';
  const char *a = current, *b = value;
  for (;;) {
    a += strspn(a, " \t\n");
    b += strspn(b, " \t\n");
    size_t la = strcspn(a, " \t\n"), lb = strcspn(b, " \t\n");
    if (la != lb || memcmp(a, b, la) != 0)
      return false;
    if (la == 0)
      return true;
    a += la;
    b += lb;
  }
}

/* Called by hd_rootfs_pivot_and_finish before /proc/sys becomes read-only.
 * A value already in place is not written again, so calling it a second
 * time afterwards succeeds as long as nothing changed. */
int hd_sysctl_apply(const oci_linux *lnx, hd_error_t *err) {
  if (lnx == NULL || lnx->sysctl_len == 0)
    return 0;
  cleanup_close int sys_fd = hd_open_procfs_dir("/proc/sys", err);
  if (sys_fd < 0)
    return hd_error_wrap(err, "applying linux.sysctl");
  for (size_t i = 0; i < lnx->sysctl_len; i++) {
    const oci_kv *kv = &lnx->sysctl[i];
    cleanup_free char *rel = sysctl_key_to_path(kv->key ? kv->key : "");
    if (rel == NULL)
      return hd_error_set(err, EINVAL,
                          "linux.sysctl \"%s\": invalid key (empty "
                          "component, \"..\" or repeated separator)",
                          kv->key ? kv->key : "");
    const char *value = kv->value ? kv->value : "";
    if (sysctl_has_value(sys_fd, rel, value))
      continue;
    if (hd_write_beneath(sys_fd, rel, value, err) < 0)
      return hd_error_wrap(err, "linux.sysctl \"%s\"", kv->key);
  }
  return 0;
}

int hd_oom_score_adj_apply(int pid, int value, hd_error_t *err) {
  char rel[64], text[32];
  cleanup_close int proc_fd = hd_open_procfs_dir("/proc", err);
  if (proc_fd < 0)
    return hd_error_wrap(err, "setting oom_score_adj");
  snprintf(rel, sizeof(rel), "%d/oom_score_adj", pid);
  snprintf(text, sizeof(text), "%d", value);
  if (hd_write_beneath(proc_fd, rel, text, err) < 0)
    return hd_error_wrap(err, "setting oom_score_adj of pid %d to %d", pid,
                         value);
  return 0;
}
