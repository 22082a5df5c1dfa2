/* The cgroup filesystem in the container. With its own cgroup namespace
 * the container gets fresh mounts, which the kernel roots at the
 * namespace's cgroup; without one it can only be shown the host's
 * hierarchies, and those are bound read-only. The layout copies the
 * host's: a single cgroup2, or (v1 and hybrid) a tmpfs holding one
 * directory per hierarchy. */
#define _GNU_SOURCE
#include "log.h"
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char *mount_point; /* on the host: "/sys/fs/cgroup/cpu,cpuacct" */
  char *options;     /* v1 controllers and name=: "cpu,cpuacct" */
  bool v2;
} host_hierarchy;

typedef struct {
  host_hierarchy *items;
  size_t len;
  size_t v1_count;
} host_hierarchies;

static void host_hierarchies_free(host_hierarchies *hs) {
  for (size_t i = 0; i < hs->len; i++) {
    free(hs->items[i].mount_point);
    free(hs->items[i].options);
  }
  free(hs->items);
}

/* Super options minus rw/ro, which are the mount's business, not the
 * hierarchy's. */
static char *controller_options(const char *superopts) {
  cleanup_free char *copy = xstrdup(superopts);
  char *out = xcalloc(1, strlen(superopts) + 1), *save = NULL;
  for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save))
    if (strcmp(o, "rw") != 0 && strcmp(o, "ro") != 0)
      strcat(strcat(out, *out ? "," : ""), o);
  return out;
}

static bool already_listed(const host_hierarchies *hs,
                           const host_hierarchy *h) {
  for (size_t i = 0; i < hs->len; i++)
    if (hs->items[i].v2 == h->v2 &&
        strcmp(hs->items[i].options, h->options) == 0)
      return true;
  return false;
}

/* Our own earlier mounts also show in mountinfo, after the host's; keeping
 * the first mount of each hierarchy keeps the host's. */
static void add_mountinfo_line(char *line, host_hierarchies *hs) {
  char *sep = strstr(line, " - ");
  cleanup_free char *mount_point = NULL, *superopts = NULL;
  char fstype[16];
  if (sep == NULL)
    return;
  *sep = '\0';
  if (sscanf(line, "%*s %*s %*s %*s %ms", &mount_point) != 1 ||
      sscanf(sep + 3, "%15s %*s %ms", fstype, &superopts) != 2)
    return;
  bool v2 = strcmp(fstype, "cgroup2") == 0;
  if (!v2 && strcmp(fstype, "cgroup") != 0)
    return;
  host_hierarchy h = {mount_point,
                      v2 ? xstrdup("") : controller_options(superopts), v2};
  if (already_listed(hs, &h)) {
    free(h.options);
    return;
  }
  hs->items = xrealloc(hs->items, (hs->len + 1) * sizeof(*hs->items));
  hs->items[hs->len++] = h;
  hs->v1_count += !v2;
  mount_point = NULL;
}

static int read_host_hierarchies(host_hierarchies *hs, hd_error_t *err) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  if (f == NULL)
    return hd_error_set(err, errno, "reading /proc/self/mountinfo");
  while (getline(&line, &cap, f) > 0)
    add_mountinfo_line(line, hs);
  fclose(f);
  if (hs->len == 0)
    return hd_error_set(err, ENOENT, "the host has no cgroup filesystem");
  return 0;
}

static bool has_cgroup_namespace(const oci_spec *spec) {
  for (size_t i = 0; spec->linux_ && i < spec->linux_->namespaces_len; i++)
    if (spec->linux_->namespaces[i].type == OCI_NS_CGROUP)
      return true;
  return false;
}

static int mount_hierarchy(const host_hierarchy *h, bool own_ns, int target_fd,
                           unsigned long flags, const char *what,
                           hd_error_t *err) {
  cleanup_close int mnt =
      own_ns ? hd_fresh_mount(h->v2 ? "cgroup2" : "cgroup", "cgroup",
                              h->options, what, err)
             : hd_clone_tree(AT_FDCWD, h->mount_point, false, what, err);
  unsigned long set = flags | (own_ns ? 0 : MS_RDONLY);
  if (mnt < 0 || hd_set_mount_flags(mnt, set, 0, false, what, err) < 0)
    return -1;
  return hd_attach_mount(mnt, target_fd, what, err);
}

/* The host may expose a comounted hierarchy under each controller's name
 * too (cpu -> cpu,cpuacct); copy those symlinks where the host has them. */
static int link_comounted_names(int dir_fd, const host_hierarchy *h,
                                const char *what, hd_error_t *err) {
  const char *base = strrchr(h->mount_point, '/') + 1;
  cleanup_free char *names = xstrdup(base);
  char *save = NULL, target[PATH_MAX];
  if (strchr(base, ',') == NULL)
    return 0;
  for (char *n = strtok_r(names, ",", &save); n;
       n = strtok_r(NULL, ",", &save)) {
    cleanup_free char *host_link = xasprintf(
        "%.*s/%s", (int)(base - 1 - h->mount_point), h->mount_point, n);
    ssize_t len = readlink(host_link, target, sizeof(target) - 1);
    if (len < 0 || (size_t)len != strlen(base) || memcmp(target, base, len))
      continue;
    if (symlinkat(base, dir_fd, n) < 0)
      return hd_error_set(err, errno, "%s: symlink %s -> %s", what, n, base);
  }
  return 0;
}

static int mount_one_of_many(int dir_fd, const host_hierarchy *h, bool own_ns,
                             unsigned long flags, const char *what,
                             hd_error_t *err) {
  const char *base = strrchr(h->mount_point, '/') + 1;
  if (mkdirat(dir_fd, base, 0755) < 0)
    return hd_error_set(err, errno, "%s: mkdir %s", what, base);
  cleanup_close int sub =
      openat(dir_fd, base, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  if (sub < 0)
    return hd_error_set(err, errno, "%s: opening %s", what, base);
  if (mount_hierarchy(h, own_ns, sub, flags, what, err) < 0)
    return -1;
  return link_comounted_names(dir_fd, h, what, err);
}

int hd_mount_cgroup(const oci_spec *spec, int target_fd, unsigned long flags,
                    const char *what, hd_error_t *err) {
  __attribute__((cleanup(host_hierarchies_free))) host_hierarchies hs = {0};
  bool own_ns = has_cgroup_namespace(spec);
  if (read_host_hierarchies(&hs, err) < 0)
    return hd_error_wrap(err, "%s", what);
  if (hs.v1_count == 0)
    return mount_hierarchy(&hs.items[0], own_ns, target_fd, flags, what, err);
  /* The tmpfs only becomes read-only once it holds its directories. */
  cleanup_close int dir =
      hd_fresh_mount("tmpfs", "tmpfs", "mode=755", what, err);
  if (dir < 0 ||
      hd_set_mount_flags(dir, flags & ~MS_RDONLY, 0, false, what, err) < 0 ||
      hd_attach_mount(dir, target_fd, what, err) < 0)
    return -1;
  for (size_t i = 0; i < hs.len; i++)
    if (mount_one_of_many(dir, &hs.items[i], own_ns, flags, what, err) < 0)
      return -1;
  return hd_set_mount_flags(dir, flags & MS_RDONLY, 0, false, what, err);
}
