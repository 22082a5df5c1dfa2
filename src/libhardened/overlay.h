/* The hardening overlay: a pure function from (spec, policy, host facts)
 * to (hardened spec, overrides). No syscalls in here; the host facts are
 * gathered beforehand by hd_host_facts_gather(). */
#ifndef HD_OVERLAY_H
#define HD_OVERLAY_H

#include "error.h"
#include "policy.h"
#include "spec.h"
#include "state.h"

typedef struct {
  oci_override *items;
  size_t len;
} hd_overrides;
void hd_overrides_clear(hd_overrides *ov);

/* What the overlay must know about the host, read by the one impure
 * function below (namespace inodes of the runtime and of any path the
 * spec joins, which sysctls this kernel has, ...). */
typedef struct hd_host_facts hd_host_facts;
int hd_host_facts_gather(const oci_spec *spec, hd_host_facts **out,
                         hd_error_t *err);
void hd_host_facts_free(hd_host_facts *facts);

/* Building facts by hand, for tests and for callers that know more than
 * hd_host_facts_gather() (the runtime's --root). */
#include <stdbool.h>
#include <stdint.h>
hd_host_facts *hd_host_facts_new(void);
void hd_host_facts_add_host_ns(hd_host_facts *f, oci_namespace_type type,
                               uint64_t dev, uint64_t ino);
void hd_host_facts_add_ns_path(hd_host_facts *f, const char *path, uint64_t dev,
                               uint64_t ino);
void hd_host_facts_add_resolved(hd_host_facts *f, const char *path,
                                const char *resolved);
void hd_host_facts_add_unopened(hd_host_facts *f, const char *path,
                                const char *why);
void hd_host_facts_add_device(hd_host_facts *f, const char *path, char type,
                              int64_t major, int64_t minor);
void hd_host_facts_set_memfd_noexec(hd_host_facts *f, bool present);
/* Bind mounts of the runtime's state root are refused. */
/* The image has no such directory (checked for /tmp and /var/tmp). */
void hd_host_facts_add_image_lacks(hd_host_facts *f, const char *dir);
/* Also reads the state root (hd_host_facts_gather_containers). */
void hd_host_facts_set_state_root(hd_host_facts *f, const char *root);
/* Reads the state root: the namespaces of every live container init in
 * it, which a spec may join (--ipc container:X, a pod's sandbox). */
void hd_host_facts_gather_containers(hd_host_facts *f, const char *root);
void hd_host_facts_add_container_ns(hd_host_facts *f, oci_namespace_type type,
                                    uint64_t dev, uint64_t ino);
/* The joined path (added before) is an nsfs file pinned outside /proc. */
void hd_host_facts_set_ns_pinned(hd_host_facts *f, const char *path);
/* The ids the runtime runs as (gathered: geteuid/getegid; default 0). */
void hd_host_facts_set_runtime_ids(hd_host_facts *f, uint32_t uid,
                                   uint32_t gid);
/* The LSMs the kernel runs (gathered: /sys/kernel/security/lsm). */
void hd_host_facts_set_lsm(hd_host_facts *f, bool apparmor, bool selinux);
/* The runtime's own limit of an rlimit (gathered: getrlimit). */
void hd_host_facts_add_rlimit(hd_host_facts *f, const char *name, uint64_t soft,
                              uint64_t hard);

/* The fd a bind source was opened as, for the path the hardened spec
 * names (its real path, or the source as written when the open failed:
 * then -1 with *open_errno). Borrowed: the facts close it. */
int hd_host_facts_source_fd(const hd_host_facts *f, const char *path,
                            int *open_errno);

/* The same for root.path (opened relative to the bundle). */
int hd_host_facts_root_fd(const hd_host_facts *f, int *open_errno);
/* root.path as opened: the real path of the directory. */
void hd_host_facts_set_root(hd_host_facts *f, const char *real_path);
/* The resolved cgroup path the container's cgroup will have. */
void hd_host_facts_set_cgroup_path(hd_host_facts *f, const char *path);
/* Space-separated cgroup v2 controllers the container's cgroup can have;
 * "" when the host has no cgroup2. */
void hd_host_facts_set_cgroup_v2_controllers(hd_host_facts *f,
                                             const char *controllers);

/* create/run. Refusal: returns -1 with
 * "refused by policy (<rule>): <field> <why>". */
int hd_overlay_spec(const oci_spec *in, const hd_policy *policy,
                    const hd_host_facts *host, oci_spec **out,
                    hd_overrides *overrides, hd_error_t *err);
/* exec: the process JSON or the flags, after they are merged. */
int hd_overlay_process(const oci_process *in, const hd_policy *policy,
                       oci_process **out, hd_overrides *overrides,
                       hd_error_t *err);
/* update: LinuxResources. */
int hd_overlay_resources(const oci_resources *in, const hd_policy *policy,
                         oci_resources **out, hd_overrides *overrides,
                         hd_error_t *err);
/* The same with host facts (the cgroup v2 controllers, for unified). */
int hd_overlay_resources_on(const oci_resources *in, const hd_policy *policy,
                            const hd_host_facts *host, oci_resources **out,
                            hd_overrides *overrides, hd_error_t *err);

#endif
