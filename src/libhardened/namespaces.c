#define _GNU_SOURCE
#include "namespaces.h"

#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int clone_flag_of[OCI_NS__COUNT] = {
    [OCI_NS_PID] = CLONE_NEWPID,   [OCI_NS_NETWORK] = CLONE_NEWNET,
    [OCI_NS_MOUNT] = CLONE_NEWNS,  [OCI_NS_IPC] = CLONE_NEWIPC,
    [OCI_NS_UTS] = CLONE_NEWUTS,   [OCI_NS_USER] = CLONE_NEWUSER,
    [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
};

/* /proc/PID/ns/<name> for each type */
static const char *const proc_ns_name[OCI_NS__COUNT] = {
    [OCI_NS_PID] = "pid",   [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
    [OCI_NS_IPC] = "ipc",   [OCI_NS_UTS] = "uts",     [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

int hd_namespaces_clone_flags(const oci_linux *lnx) {
  int flags = 0;
  if (lnx == NULL)
    return 0;
  for (size_t i = 0; i < lnx->namespaces_len; i++)
    if (lnx->namespaces[i].path == NULL || lnx->namespaces[i].path[0] == '\0')
      flags |= clone_flag_of[lnx->namespaces[i].type];
  return flags;
}

bool hd_namespaces_has_paths(const oci_linux *lnx) {
  if (lnx == NULL)
    return false;
  for (size_t i = 0; i < lnx->namespaces_len; i++)
    if (lnx->namespaces[i].path && lnx->namespaces[i].path[0])
      return true;
  return false;
}

/* The user namespace must be joined first: joining it changes which
 * other namespaces we are privileged over. */
static int join_order(oci_namespace_type t) {
  return t == OCI_NS_USER ? 0 : t == OCI_NS_MOUNT ? 2 : 1;
}

static const char *checked_identity(const oci_spec *spec,
                                    oci_namespace_type t) {
  cleanup_free char *key =
      xasprintf("%s%s", HD_NS_CHECKED_PREFIX, oci_namespace_type_name(t));
  for (size_t i = 0; i < spec->annotations_len; i++)
    if (spec->annotations[i].key && strcmp(spec->annotations[i].key, key) == 0)
      return spec->annotations[i].value;
  return NULL;
}

/* The fd is the namespace the overlay let through, not whatever the path
 * names by now. */
static int same_as_checked(const oci_spec *spec, const oci_namespace *ns,
                           int fd, hd_error_t *err) {
  const char *want = checked_identity(spec, ns->type);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "linux.namespaces[%s].path %s",
                        oci_namespace_type_name(ns->type), ns->path);
  cleanup_free char *have =
      xasprintf("%llu:%llu", (unsigned long long)st.st_dev,
                (unsigned long long)st.st_ino);
  if (want == NULL || strcmp(want, have) != 0)
    return hd_error_set(err, 0,
                        "linux.namespaces[%s].path %s is not the namespace "
                        "the overlay checked (%s, now %s)",
                        oci_namespace_type_name(ns->type), ns->path,
                        want ? want : "none", have);
  return 0;
}

int hd_namespaces_join(const oci_spec *spec, hd_error_t *err) {
  const oci_linux *lnx = spec->linux_;
  if (lnx == NULL)
    return 0;
  int fds[OCI_NS__COUNT];
  int types[OCI_NS__COUNT];
  size_t n = 0;
  int rc = 0;
  for (size_t i = 0; i < lnx->namespaces_len && n < OCI_NS__COUNT; i++) {
    const oci_namespace *ns = &lnx->namespaces[i];
    if (ns->path == NULL || ns->path[0] == '\0')
      continue;
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      rc = hd_error_set(err, errno, "linux.namespaces[%zu]: opening %s", i, ns->path);
      goto out;
    }
    fds[n] = fd;
    types[n++] = (int)ns->type;
    if (same_as_checked(spec, ns, fd, err) < 0) {
      rc = -1;
      goto out;
    }
  }
  for (int pass = 0; pass < 3 && rc == 0; pass++)
    for (size_t k = 0; k < n; k++) {
      if (join_order(types[k]) != pass)
        continue;
      if (setns(fds[k], clone_flag_of[types[k]]) < 0) {
        rc = hd_error_set(err, errno, "joining %s namespace",
                          oci_namespace_type_name(types[k]));
        break;
      }
    }
out:
  for (size_t k = 0; k < n; k++)
    close(fds[k]);
  return rc;
}

static char *format_id_map(const oci_id_mapping *m, size_t n) {
  size_t cap = n * 40 + 1, used = 0;
  char *buf = xmalloc(cap);
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(buf + used, cap - used, "%u %u %u\n",
                             m[i].container_id, m[i].host_id, m[i].size);
  return buf;
}

int hd_namespaces_write_id_maps(pid_t pid, const oci_linux *lnx,
                                hd_error_t *err) {
  char path[64];
  if (lnx->gid_mappings_len > 0) {
    /* Only the privileged writer may keep setgroups; the container's
     * additionalGids need it, and we are root here. */
    cleanup_free char *gid = format_id_map(lnx->gid_mappings, lnx->gid_mappings_len);
    snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
    if (hd_write_file(path, gid, err) < 0)
      return hd_error_wrap(err, "linux.gidMappings");
  }
  if (lnx->uid_mappings_len > 0) {
    cleanup_free char *uid = format_id_map(lnx->uid_mappings, lnx->uid_mappings_len);
    snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
    if (hd_write_file(path, uid, err) < 0)
      return hd_error_wrap(err, "linux.uidMappings");
  }
  return 0;
}

static bool same_namespace(pid_t pid, const char *name) {
  char theirs[64], ours[64];
  struct stat a, b;
  snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", pid, name);
  snprintf(ours, sizeof ours, "/proc/self/ns/%s", name);
  if (stat(theirs, &a) < 0 || stat(ours, &b) < 0)
    return false;
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int hd_namespaces_join_process(pid_t pid, hd_error_t *err) {
  static const oci_namespace_type order[] = {OCI_NS_USER, OCI_NS_CGROUP, OCI_NS_IPC,
                                             OCI_NS_UTS,  OCI_NS_NETWORK, OCI_NS_PID,
                                             OCI_NS_TIME, OCI_NS_MOUNT};
  int fds[OCI_NS__COUNT];
  size_t n = 0;
  int rc = 0;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const char *name = proc_ns_name[order[i]];
    char path[64];
    fds[i] = -1;
    if (same_namespace(pid, name))
      continue;
    snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, name);
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0 && errno != ENOENT) {
      rc = hd_error_set(err, errno, "opening %s", path);
      n = i + 1;
      goto out;
    }
  }
  n = sizeof order / sizeof order[0];
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0 && setns(fds[i], clone_flag_of[order[i]]) < 0) {
      rc = hd_error_set(err, errno, "joining the container's %s namespace",
                        proc_ns_name[order[i]]);
      break;
    }
out:
  for (size_t i = 0; i < n; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  return rc;
}
