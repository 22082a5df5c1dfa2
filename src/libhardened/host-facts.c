/* The overlay's only window on the host. Everything it needs to know
 * (which namespaces are the host's, where bind sources and hooks really
 * point, which device a path is) is read here, up front, so the overlay
 * itself stays a pure function that tests can drive with made-up facts. */
#define _GNU_SOURCE
#include "overlay-internal.h"

#include "cgroup.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* /proc/<pid>/ns/<name> for each oci_namespace_type. */
static const char *const proc_ns_name[OCI_NS__COUNT] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "net",
    [OCI_NS_MOUNT] = "mnt",     [OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",       [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

hd_host_facts *hd_host_facts_new(void) {
  return xcalloc(1, sizeof(hd_host_facts));
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

const hd_fact_device *hd_facts_device(const hd_host_facts *f,
                                      const char *path) {
  for (size_t i = 0; f && i < f->devices_len; i++)
    if (strcmp(f->devices[i].path, path) == 0)
      return &f->devices[i];
  return NULL;
}

void hd_host_facts_free(hd_host_facts *f) {
  if (f == NULL)
    return;
  for (size_t i = 0; i < f->ns_paths_len; i++)
    free(f->ns_paths[i].path);
  for (size_t i = 0; i < f->paths_len; i++) {
    free(f->paths[i].path);
    free(f->paths[i].resolved);
  }
  for (size_t i = 0; i < f->devices_len; i++)
    free(f->devices[i].path);
  for (size_t i = 0; i < f->image_lacks_len; i++)
    free(f->image_lacks[i]);
  free(f->image_lacks);
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
  }
  return 0;
}

static void add_realpath(hd_host_facts *f, const char *path) {
  char resolved[PATH_MAX];
  if (path && !hd_facts_resolved(f, path) && realpath(path, resolved))
    hd_host_facts_add_resolved(f, path, resolved);
}

static bool is_bind(const oci_mount *m) {
  if (m->type && strcmp(m->type, "bind") == 0)
    return true;
  return hd_strv_has(m->options, m->options_len, "bind") ||
         hd_strv_has(m->options, m->options_len, "rbind");
}

static void gather_hooks(hd_host_facts *f, const oci_hook *h, size_t n) {
  for (size_t i = 0; i < n; i++)
    add_realpath(f, h[i].path);
}

/* Relative bind sources resolve against the cwd, which is the bundle when
 * the runtime runs them (as runc does). */
static void gather_paths(hd_host_facts *f, const oci_spec *s) {
  for (size_t i = 0; i < s->mounts_len; i++)
    if (is_bind(&s->mounts[i]))
      add_realpath(f, s->mounts[i].source);
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
  }
  *out = f;
  return 0;
}
