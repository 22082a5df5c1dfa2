/* The overlay's only window on the host. Everything it needs to know
 * (which namespaces are the host's, where bind sources and hooks really
 * point, which device a path is) is read here, up front, so the overlay
 * itself stays a pure function that tests can drive with made-up facts. */
#define _GNU_SOURCE
#include "overlay-internal.h"
#include "rlimits.h"
#include "state-dir.h"
#include "utils.h"
#include "safe-path.h"

#include "hooks.h"

#include <dirent.h>
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

/* /proc/<pid>/ns/<name> for each oci_namespace_type. */
static const char *const proc_ns_name[OCI_NS__COUNT] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "net",
    [OCI_NS_MOUNT] = "mnt",     [OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",       [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

hd_host_facts *hd_host_facts_new(void) {
  hd_host_facts *f = xcalloc(1, sizeof(hd_host_facts));
  f->root.fd = -1;
  return f;
}

void hd_host_facts_set_root(hd_host_facts *f, const char *real_path) {
  free(f->root.path);
  f->root.path = xstrdup(real_path);
}

int hd_host_facts_root_fd(const hd_host_facts *f, int *open_errno) {
  *open_errno = f && f->root.path ? f->root.open_errno : ENOENT;
  return f ? f->root.fd : -1;
}

void hd_host_facts_add_host_ns(hd_host_facts *f, oci_namespace_type type,
                               uint64_t dev, uint64_t ino) {
  if ((unsigned)type >= OCI_NS__COUNT || f->host_ns_len[type] >= 2)
    return;
  f->host_ns[type][f->host_ns_len[type]++] =
      (hd_fact_ns){.dev = dev, .ino = ino};
}

void hd_host_facts_add_ns_path(hd_host_facts *f, const char *path, uint64_t dev,
                               uint64_t ino) {
  f->ns_paths =
      xrealloc(f->ns_paths, (f->ns_paths_len + 1) * sizeof(hd_fact_ns));
  f->ns_paths[f->ns_paths_len++] =
      (hd_fact_ns){.path = xstrdup(path), .dev = dev, .ino = ino};
}

void hd_host_facts_add_resolved(hd_host_facts *f, const char *path,
                                const char *resolved) {
  f->paths = xrealloc(f->paths, (f->paths_len + 1) * sizeof(hd_fact_path));
  f->paths[f->paths_len++] =
      (hd_fact_path){.path = xstrdup(path), .resolved = xstrdup(resolved)};
}

void hd_host_facts_add_unopened(hd_host_facts *f, const char *path,
                                const char *why) {
  f->unopened =
      xrealloc(f->unopened, (f->unopened_len + 1) * sizeof(hd_fact_path));
  f->unopened[f->unopened_len++] =
      (hd_fact_path){.path = xstrdup(path), .resolved = xstrdup(why)};
}

void hd_host_facts_add_device(hd_host_facts *f, const char *path, char type,
                              int64_t major, int64_t minor) {
  f->devices =
      xrealloc(f->devices, (f->devices_len + 1) * sizeof(hd_fact_device));
  f->devices[f->devices_len++] = (hd_fact_device){
      .path = xstrdup(path), .type = type, .major = major, .minor = minor};
}

void hd_host_facts_add_image_lacks(hd_host_facts *f, const char *dir) {
  hd_strv_add(&f->image_lacks, &f->image_lacks_len, dir);
}

/* Relative to the cwd, which create sets to the bundle. */
static void gather_image_dirs(hd_host_facts *f, const oci_spec *spec) {
  static const char *const dirs[] = {"/tmp", "/var/tmp"};
  if (spec->root == NULL || spec->root->path == NULL)
    return;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
    cleanup_free char *p = xasprintf("%s%s", spec->root->path, dirs[i]);
    struct stat st;
    if (lstat(p, &st) < 0 && errno == ENOENT)
      hd_host_facts_add_image_lacks(f, dirs[i]);
  }
}

void hd_host_facts_set_memfd_noexec(hd_host_facts *f, bool present) {
  f->memfd_noexec = present;
}

void hd_host_facts_set_state_root(hd_host_facts *f, const char *root) {
  free(f->state_root);
  f->state_root = root ? xstrdup(root) : NULL;
  if (root)
    hd_host_facts_gather_containers(f, root);
}

void hd_host_facts_add_container_ns(hd_host_facts *f, oci_namespace_type type,
                                    uint64_t dev, uint64_t ino) {
  f->container_ns = xrealloc(f->container_ns, (f->container_ns_len + 1) *
                                                  sizeof *f->container_ns);
  f->container_ns[f->container_ns_len++] =
      (hd_fact_container_ns){.type = type, .dev = dev, .ino = ino};
}

void hd_host_facts_set_ns_pinned(hd_host_facts *f, const char *path) {
  for (size_t i = 0; i < f->ns_paths_len; i++)
    if (strcmp(f->ns_paths[i].path, path) == 0)
      f->ns_paths[i].pinned = true;
}

void hd_host_facts_set_runtime_ids(hd_host_facts *f, uint32_t uid,
                                   uint32_t gid) {
  f->runtime_uid = uid;
  f->runtime_gid = gid;
}

void hd_host_facts_set_lsm(hd_host_facts *f, bool apparmor, bool selinux) {
  f->lsm_apparmor = apparmor;
  f->lsm_selinux = selinux;
}

void hd_host_facts_add_rlimit(hd_host_facts *f, const char *name, uint64_t soft,
                              uint64_t hard) {
  f->rlimits =
      xrealloc(f->rlimits, (f->rlimits_len + 1) * sizeof(hd_fact_rlimit));
  f->rlimits[f->rlimits_len++] =
      (hd_fact_rlimit){.name = xstrdup(name), .soft = soft, .hard = hard};
}

void hd_host_facts_set_cgroup_path(hd_host_facts *f, const char *path) {
  free(f->cgroup_path);
  f->cgroup_path = path ? xstrdup(path) : NULL;
}

void hd_host_facts_set_cgroup_v2_controllers(hd_host_facts *f,
                                             const char *controllers) {
  free(f->cgroup_v2_controllers);
  f->cgroup_v2_controllers = controllers ? xstrdup(controllers) : NULL;
}

const hd_fact_ns *hd_facts_ns_path(const hd_host_facts *f, const char *path) {
  for (size_t i = 0; f && i < f->ns_paths_len; i++)
    if (strcmp(f->ns_paths[i].path, path) == 0)
      return &f->ns_paths[i];
  return NULL;
}

const char *hd_facts_resolved(const hd_host_facts *f, const char *path) {
  for (size_t i = 0; f && i < f->paths_len; i++)
    if (strcmp(f->paths[i].path, path) == 0)
      return f->paths[i].resolved;
  return NULL;
}

const char *hd_facts_unopened(const hd_host_facts *f, const char *path) {
  for (size_t i = 0; f && i < f->unopened_len; i++)
    if (strcmp(f->unopened[i].path, path) == 0)
      return f->unopened[i].resolved;
  return NULL;
}

const hd_fact_device *hd_facts_device(const hd_host_facts *f,
                                      const char *path) {
  for (size_t i = 0; f && i < f->devices_len; i++)
    if (strcmp(f->devices[i].path, path) == 0)
      return &f->devices[i];
  return NULL;
}

int hd_host_facts_source_fd(const hd_host_facts *f, const char *path,
                            int *open_errno) {
  for (size_t i = 0; f && i < f->sources_len; i++)
    if (strcmp(f->sources[i].path, path) == 0) {
      *open_errno = f->sources[i].open_errno;
      return f->sources[i].fd;
    }
  *open_errno = ENOENT;
  return -1;
}

void hd_host_facts_free(hd_host_facts *f) {
  if (f == NULL)
    return;
  for (size_t i = 0; i < f->sources_len; i++) {
    free(f->sources[i].path);
    hd_closep(&f->sources[i].fd);
  }
  free(f->sources);
  free(f->root.path);
  hd_closep(&f->root.fd);
  for (size_t i = 0; i < f->ns_paths_len; i++)
    free(f->ns_paths[i].path);
  for (size_t i = 0; i < f->paths_len; i++) {
    free(f->paths[i].path);
    free(f->paths[i].resolved);
  }
  for (size_t i = 0; i < f->unopened_len; i++) {
    free(f->unopened[i].path);
    free(f->unopened[i].resolved);
  }
  free(f->unopened);
  for (size_t i = 0; i < f->devices_len; i++)
    free(f->devices[i].path);
  for (size_t i = 0; i < f->image_lacks_len; i++)
    free(f->image_lacks[i]);
  free(f->image_lacks);
  for (size_t i = 0; i < f->rlimits_len; i++)
    free(f->rlimits[i].name);
  free(f->rlimits);
  free(f->container_ns);
  free(f->ns_paths);
  free(f->paths);
  free(f->devices);
  free(f->state_root);
  free(f->cgroup_path);
  free(f->cgroup_v2_controllers);
  free(f);
}

/* ---- gathering ---- */

static void gather_host_namespaces(hd_host_facts *f) {
  static const char *const procs[] = {"self", "1"};
  for (int t = 0; t < OCI_NS__COUNT; t++)
    for (size_t p = 0; p < 2; p++) {
      cleanup_free char *path =
          xasprintf("/proc/%s/ns/%s", procs[p], proc_ns_name[t]);
      struct stat st;
      if (stat(path, &st) == 0)
        hd_host_facts_add_host_ns(f, t, st.st_dev, st.st_ino);
    }
}

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* Pinned: the path itself (not a /proc magic link to it) is on nsfs,
 * which only a bind mount of a namespace file gives. */
static bool is_pinned_ns_file(const char *path) {
  struct stat st;
  struct statfs fs;
  return strncmp(path, "/proc/", 6) != 0 && lstat(path, &st) == 0 &&
         !S_ISLNK(st.st_mode) && statfs(path, &fs) == 0 &&
         fs.f_type == NSFS_MAGIC;
}

/* The init's namespaces, kept only when the pid is still that init
 * after they were read (a pid reused meanwhile is someone else's). */
static void add_init_namespaces(hd_host_facts *f, const oci_state *st) {
  size_t before = f->container_ns_len;
  if (st->pid <= 0 || !hd_process_alive(st->pid, st->pid_start_time))
    return;
  for (int t = 0; t < OCI_NS__COUNT; t++) {
    cleanup_free char *path =
        xasprintf("/proc/%d/ns/%s", st->pid, proc_ns_name[t]);
    struct stat ns;
    if (stat(path, &ns) == 0)
      hd_host_facts_add_container_ns(f, t, ns.st_dev, ns.st_ino);
  }
  if (!hd_process_alive(st->pid, st->pid_start_time))
    f->container_ns_len = before;
}

static void add_container(hd_host_facts *f, int root_fd, const char *id) {
  hd_error_t err = NULL;
  int dir_fd = -1;
  oci_state *st = NULL;
  if (hd_state_validate_id(id, &err) == 0 &&
      hd_state_dir_open(root_fd, id, &dir_fd, &err) == 0 &&
      hd_state_read(dir_fd, id, &st, &err) == 0)
    add_init_namespaces(f, st);
  oci_state_free(st);
  if (dir_fd >= 0)
    close(dir_fd);
  hd_error_free(&err);
}

/* A state root that cannot be read has no containers to join: the spec's
 * paths then fall to the other rules. */
void hd_host_facts_gather_containers(hd_host_facts *f, const char *root) {
  hd_error_t err = NULL;
  int root_fd = -1;
  if (hd_state_root_open(root, false, &root_fd, &err) < 0) {
    hd_error_free(&err);
    return;
  }
  /* the state root fd is O_PATH: listing needs a readable one */
  int list_fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = list_fd >= 0 ? fdopendir(list_fd) : NULL;
  if (d == NULL && list_fd >= 0)
    close(list_fd);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      add_container(f, root_fd, e->d_name);
  if (d)
    closedir(d);
  close(root_fd);
}

/* A namespace path that cannot be looked at cannot be joined either; say
 * so now rather than after half the setup. */
static int gather_ns_paths(hd_host_facts *f, const oci_linux *l,
                           hd_error_t *err) {
  for (size_t i = 0; l && i < l->namespaces_len; i++) {
    const char *path = l->namespaces[i].path;
    struct stat st;
    if (path == NULL || *path == '\0' || hd_facts_ns_path(f, path))
      continue;
    if (stat(path, &st) < 0)
      return hd_error_set(err, errno, "linux.namespaces[%s].path %s",
                          oci_namespace_type_name(l->namespaces[i].type), path);
    hd_host_facts_add_ns_path(f, path, st.st_dev, st.st_ino);
    if (is_pinned_ns_file(path))
      hd_host_facts_set_ns_pinned(f, path);
  }
  return 0;
}

/* The list of active LSMs, where securityfs is mounted; else each LSM's
 * own sign of life. */
static void gather_lsm(hd_host_facts *f) {
  char buf[512] = "";
  cleanup_close int fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (n > 0) {
    buf[n] = '\0';
    cleanup_free char *list = xasprintf(",%s,", buf);
    hd_host_facts_set_lsm(f, strstr(list, ",apparmor,") != NULL,
                          strstr(list, ",selinux,") != NULL);
    return;
  }
  char enabled = 'N';
  cleanup_close int aa =
      open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (aa >= 0 && read(aa, &enabled, 1) != 1)
    enabled = 'N';
  hd_host_facts_set_lsm(f, enabled == 'Y',
                        access("/sys/fs/selinux/enforce", F_OK) == 0);
}

/* RLIM_INFINITY is all ones, like the spec's "unlimited". */
static void gather_rlimits(hd_host_facts *f) {
  const char *name;
  for (size_t i = 0; (name = hd_rlimit_name_at(i)) != NULL; i++) {
    struct rlimit r;
    if (getrlimit(hd_rlimit_from_name(name), &r) == 0)
      hd_host_facts_add_rlimit(f, name, r.rlim_cur, r.rlim_max);
  }
}

static void add_source(hd_host_facts *f, const char *path, int fd,
                       int open_errno) {
  f->sources =
      xrealloc(f->sources, (f->sources_len + 1) * sizeof(hd_fact_source));
  f->sources[f->sources_len++] = (hd_fact_source){
      .path = xstrdup(path), .fd = fd, .open_errno = open_errno};
}

/* The source is opened once, here, as the runtime (host root, before any
 * user namespace). Symlinks on the way are followed: whatever the walk
 * ends on is the one object the overlay judges, by the real path the
 * kernel reports for the fd, and the one setup mounts, from the fd. A
 * racer swapping a symlink in can change which object that is, never
 * make the overlay judge one and setup mount another. Magic links
 * (/proc/PID/root...) are refused: they jump to other mount trees.
 * Returns the fd, with its real path in real[PATH_MAX], or -errno. */
static int open_source(const char *path, int flags, char *real) {
  char link[32];
  cleanup_close int fd = hd_openat2(AT_FDCWD, path, flags | O_PATH | O_CLOEXEC,
                                    RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return -errno;
  ssize_t n = readlink(hd_fd_path(link, fd), real, PATH_MAX);
  if (n <= 0 || n >= PATH_MAX || real[0] != '/')
    return -ENAMETOOLONG;
  real[n] = '\0';
  return hd_steal_fd(&fd);
}

static void add_bind_source(hd_host_facts *f, const char *path) {
  char real[PATH_MAX];
  if (path == NULL || hd_facts_resolved(f, path))
    return;
  int fd = open_source(path, 0, real);
  if (fd < 0) {
    add_source(f, path, -1, -fd);
    return;
  }
  hd_host_facts_add_resolved(f, path, real);
  add_source(f, real, fd, 0);
}

/* Relative to the cwd, the bundle; a directory, or nothing. */
static void gather_root(hd_host_facts *f, const oci_spec *s) {
  char real[PATH_MAX];
  if (s->root == NULL || s->root->path == NULL)
    return;
  int fd = open_source(s->root->path, O_DIRECTORY, real);
  hd_host_facts_set_root(f, fd < 0 ? s->root->path : real);
  f->root.fd = fd < 0 ? -1 : fd;
  f->root.open_errno = fd < 0 ? -fd : 0;
}

static bool is_bind(const oci_mount *m) {
  if (m->type && strcmp(m->type, "bind") == 0)
    return true;
  return hd_strv_has(m->options, m->options_len, "bind") ||
         hd_strv_has(m->options, m->options_len, "rbind");
}

/* Each executable is opened once (hd_hook_open) and its fd kept for the
 * run: the overlay judges the fd's real path, and that fd is what runs.
 * One that does not open is recorded with the reason, which the overlay
 * gives when it refuses it. */
static void gather_hooks(hd_host_facts *f, const oci_hook *h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int fd = -1;
    char *real = NULL;
    hd_error_t err = NULL;
    if (h[i].path == NULL || hd_facts_resolved(f, h[i].path) ||
        hd_facts_unopened(f, h[i].path))
      continue;
    if (hd_hook_open(h[i].path, false, &fd, &real, &err) == 0) {
      hd_host_facts_add_resolved(f, h[i].path, real);
      hd_hook_pin(real, fd);
    } else {
      hd_host_facts_add_unopened(f, h[i].path, err->msg);
    }
    free(real);
    hd_error_free(&err);
  }
}

/* Relative bind sources resolve against the cwd, which is the bundle when
 * the runtime runs them (as runc does). */
static void gather_paths(hd_host_facts *f, const oci_spec *s) {
  for (size_t i = 0; i < s->mounts_len; i++)
    if (is_bind(&s->mounts[i]))
      add_bind_source(f, s->mounts[i].source);
  const oci_hooks *h = s->hooks;
  if (h == NULL)
    return;
  gather_hooks(f, h->prestart, h->prestart_len);
  gather_hooks(f, h->create_runtime, h->create_runtime_len);
  gather_hooks(f, h->create_container, h->create_container_len);
  gather_hooks(f, h->start_container, h->start_container_len);
  gather_hooks(f, h->poststart, h->poststart_len);
  gather_hooks(f, h->poststop, h->poststop_len);
}

static void gather_devices(hd_host_facts *f, const oci_linux *l) {
  for (size_t i = 0; l && i < l->devices_len; i++) {
    const char *path = l->devices[i].path;
    struct stat st;
    if (path == NULL || stat(path, &st) < 0 ||
        !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
      continue;
    hd_host_facts_add_device(f, path, S_ISCHR(st.st_mode) ? 'c' : 'b',
                             major(st.st_rdev), minor(st.st_rdev));
  }
}

int hd_host_facts_gather(const oci_spec *spec, hd_host_facts **out,
                         hd_error_t *err) {
  hd_host_facts *f = hd_host_facts_new();
  gather_host_namespaces(f);
  hd_host_facts_set_runtime_ids(f, geteuid(), getegid());
  gather_rlimits(f);
  gather_lsm(f);
  f->memfd_noexec = access("/proc/sys/vm/memfd_noexec", F_OK) == 0;
  f->cgroup_v2_controllers = hd_cgroup_v2_controllers();
  if (spec) {
    if (gather_ns_paths(f, spec->linux_, err) < 0) {
      hd_host_facts_free(f);
      return -1;
    }
    gather_paths(f, spec);
    gather_devices(f, spec->linux_);
    gather_image_dirs(f, spec);
    gather_root(f, spec);
  }
  *out = f;
  return 0;
}
