/* Shared between the overlay's files (overlay.c, overlay-mounts.c,
 * host-facts.c). Not for the rest of the runtime. */
#ifndef HD_OVERLAY_INTERNAL_H
#define HD_OVERLAY_INTERNAL_H

#include "overlay.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  char *path;
  uint64_t dev, ino;
  /* An nsfs file bind-mounted outside /proc (ip netns, docker's and
   * CNI's netns files, CRI-O's pinned ipc/uts): only host root makes
   * one, and no process's /proc entry can be swapped under it. */
  bool pinned;
} hd_fact_ns;

typedef struct {
  oci_namespace_type type;
  uint64_t dev, ino;
} hd_fact_container_ns;

typedef struct {
  char *path;
  char *resolved;
} hd_fact_path;

/* A bind source, opened once (O_PATH) before the overlay runs: the
 * overlay judges `path`, the object's real path read back from the fd,
 * and setup mounts from the same fd. fd -1: the open failed (errno). */
typedef struct {
  char *path;
  int fd;
  int open_errno;
} hd_fact_source;

typedef struct {
  char *name; /* "RLIMIT_NOFILE" */
  uint64_t soft, hard;
} hd_fact_rlimit;

typedef struct {
  char *path;
  char type; /* 'c' or 'b' */
  int64_t major, minor;
} hd_fact_device;

struct hd_host_facts {
  /* The runtime's own and init's namespaces: joining one of them is
   * joining the host. */
  hd_fact_ns host_ns[OCI_NS__COUNT][2];
  size_t host_ns_len[OCI_NS__COUNT];
  hd_fact_ns *ns_paths; /* namespace paths the spec joins */
  size_t ns_paths_len;
  /* The namespaces of the live container inits of the state root. */
  hd_fact_container_ns *container_ns;
  size_t container_ns_len;
  hd_fact_path *paths; /* bind sources and hook executables, resolved */
  size_t paths_len;
  /* hook paths that did not open, .resolved being why */
  hd_fact_path *unopened;
  size_t unopened_len;
  hd_fact_device *devices; /* host device nodes at the spec's device paths */
  size_t devices_len;
  bool memfd_noexec; /* /proc/sys/vm/memfd_noexec exists */
  /* The runtime's euid/egid. Not root (rootless): the kernel lets a map
   * reach only these ids, so they are allowed below the policy's floor. */
  uint32_t runtime_uid, runtime_gid;
  /* The runtime's own rlimits: what a process inherits for an rlimit its
   * spec does not name. */
  hd_fact_rlimit *rlimits;
  size_t rlimits_len;
  /* The LSMs the kernel runs (rule lsm). */
  bool lsm_apparmor, lsm_selinux;
  char *state_root;  /* the runtime's --root */
  char **image_lacks; /* tmp dirs (/tmp, /var/tmp) the rootfs does not have */
  size_t image_lacks_len;
  /* bind sources, by fd */
  hd_fact_source *sources;
  size_t sources_len;
  /* root.path, opened the same way (path NULL: not gathered) */
  hd_fact_source root;
  /* The container's cgroup path as create resolved it (linux.cgroupsPath,
   * relative ones against the runtime's cgroup); NULL when unknown. */
  char *cgroup_path;
  /* The controllers a cgroup v2 dir of the container can have (the
   * cgroup2 root's cgroup.controllers, space-separated): "" when the
   * host mounts no cgroup2; NULL when unknown. */
  char *cgroup_v2_controllers;
};

const hd_fact_ns *hd_facts_ns_path(const hd_host_facts *f, const char *path);
const char *hd_facts_resolved(const hd_host_facts *f, const char *path);
/* Why a hook's executable did not open (hd_hook_open's message), or NULL. */
const char *hd_facts_unopened(const hd_host_facts *f, const char *path);
const hd_fact_device *hd_facts_device(const hd_host_facts *f, const char *path);

/* One overlay run. */
typedef struct {
  const hd_policy *policy;
  const hd_host_facts *host;
  hd_overrides *ov;
  hd_error_t *err;
} hd_ov;

void hd_ov_record(hd_ov *c, const char *rule, const char *field,
                  const char *requested, const char *enforced);
/* "refused by policy (<rule>): <field> <why>"; returns -1. */
int hd_ov_refuse(hd_ov *c, const char *rule, const char *field,
                 const char *why_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* String-list helpers on the spec's (char **, size_t) arrays. */
char *hd_strv_join(char *const *v, size_t n); /* "a,b", or "(none)" */
bool hd_strv_has(char *const *v, size_t n, const char *s);
void hd_strv_add(char ***v, size_t *n, const char *s);
/* Removes every element equal to s, or starting with s when s ends in
 * '=' ("size="). Returns how many went. */
size_t hd_strv_remove(char **v, size_t *n, const char *s);

/* Lexically clean absolute form of p ("//a/./b/../c/" -> "/a/c"); ".."
 * never climbs above "/". A relative p is taken from "/". */
char *hd_path_clean(const char *p);
/* a is b or below it. */
bool hd_path_within(const char *a, const char *b);

int hd_ov_mounts(hd_ov *c, oci_spec *s);
/* The hook rules (overlay-hooks.c). */
int hd_ov_hooks(hd_ov *c, oci_hooks *h);

/* overlay-process.c: identity and limits of a process. */
int hd_ov_user_namespace(hd_ov *c, const oci_spec *s);
void hd_ov_supplementary_groups(hd_ov *c, oci_user *u, const oci_linux *l);
void hd_ov_own_session(hd_ov *c, const oci_process *p);
int hd_ov_rlimits(hd_ov *c, oci_process *p);
void hd_ov_lsm(hd_ov *c, oci_process *p, oci_linux *l);
/* overlay-namespaces.c: a namespace joined by path that is not the
 * host's may be joined (a container's of the state root, or a pinned
 * engine file of a type engines pin). */
bool hd_ov_joinable_ns(const hd_ov *c, oci_namespace_type type,
                       const hd_fact_ns *f);
bool hd_ov_pin_allowed(oci_namespace_type type);
/* After the spec's own org.hardened.* annotations are dropped: the
 * identity of each joined namespace, for setup to compare. */
void hd_ov_note_joined_ns(hd_ov *c, oci_spec *s);
/* overlay-cgroup.c: linux.cgroupsPath (cgroup-path) and
 * linux.resources.unified (cgroup-unified). */
int hd_ov_cgroup_path(hd_ov *c);
int hd_ov_unified(hd_ov *c, oci_resources *r);
/* Records (rule unsupported) and drops the v1-only memory and blkio
 * fields where their controller is on cgroup v2. */
void hd_ov_v2_ignored(hd_ov *c, oci_resources *r);

#endif
