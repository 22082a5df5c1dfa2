#ifndef HD_CGROUP_H
#define HD_CGROUP_H

#include "error.h"
#include "spec.h"
#include "stats.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One container's cgroup, in whichever layout the host has: v1, hybrid
 * (v1 controllers plus cgroup2 at /sys/fs/cgroup/unified) or pure v2. */
typedef struct hd_cgroup hd_cgroup;

/* The path the container's cgroup gets: linux.cgroupsPath (absolute, or
 * relative to the runtime's own cgroup), or "/hardened/<id>" when empty.
 * With systemd_cgroup a "slice:prefix:name" path is mapped to a
 * cgroupfs path (systemd is not driven yet; see docs). */
char *hd_cgroup_resolve_path(const char *cgroups_path, const char *id,
                             bool systemd_cgroup);
/* Same, with the reason on failure (".." components, a malformed
 * systemd "slice:prefix:name", the root cgroup). */
int hd_cgroup_resolve(const char *cgroups_path, const char *id,
                      bool systemd_cgroup, char **out, hd_error_t *err);
/* The file in the container's state dir recording which cgroup dirs its
 * create made (cgroup-owned.c). */
#define HD_CGROUP_OWNED_FILE "cgroup.owned"
/* mkdir the cgroup in every hierarchy, record the dirs in state_fd's
 * HD_CGROUP_OWNED_FILE, and apply linux.resources. The leaf must be new
 * in every hierarchy: an existing one is refused (rule cgroup-path), so
 * the container never shares a cgroup it did not make. */
int hd_cgroup_create(const char *path, const oci_resources *resources,
                     int state_fd, hd_cgroup **out, hd_error_t *err);
/* Open a container's cgroup (delete, update, ps, pause, exec): only the
 * dirs state_fd's record lists as made by its create are in it. With
 * none, destroy does nothing and the other calls fail. */
int hd_cgroup_open(int state_fd, const char *path, hd_cgroup **out,
                   hd_error_t *err);
/* Point an opened cgroup at path, a cgroup below it (exec --cgroup). */
int hd_cgroup_descend(hd_cgroup *cg, const char *path, hd_error_t *err);
/* The controllers a container's cgroup v2 dir can have, space-separated
 * (the cgroup2 root's cgroup.controllers); "" without cgroup2, NULL when
 * the layout cannot be read. Malloc'd. */
char *hd_cgroup_v2_controllers(void);
/* A new process places itself in cg (cgroup-join.c): the runtime calls
 * hd_cgroup_prepare_join, then hd_cgroup_clone; the single-threaded child
 * calls hd_cgroup_join_self first thing, with the v2_placed it got from
 * hd_cgroup_clone. No pid is ever written to cgroup.procs by the parent. */
int hd_cgroup_prepare_join(hd_cgroup *cg, hd_error_t *err);
/* clone3 with ns_flags, into the cgroup2 dir when cg has one (falls back
 * to clone without it). Returns as fork does; *v2_placed, in parent and
 * child, tells whether the kernel already put the child there. */
pid_t hd_cgroup_clone(hd_cgroup *cg, unsigned long ns_flags, bool *v2_placed);
/* In the child: join every hierarchy not yet joined, and close the fds
 * hd_cgroup_prepare_join opened (in this process only). */
int hd_cgroup_join_self(hd_cgroup *cg, bool v2_placed, hd_error_t *err);
int hd_cgroup_apply_resources(hd_cgroup *cg, const oci_resources *resources,
                              hd_error_t *err);
/* All pids in the cgroup (recursively). *pids is malloc'd. */
int hd_cgroup_pids(hd_cgroup *cg, pid_t **pids, size_t *n, hd_error_t *err);
int hd_cgroup_freeze(hd_cgroup *cg, bool frozen, hd_error_t *err);
/* The kernel reports the cgroup frozen or freezing, by itself or by a
 * parent: a process placed in it now would not run. */
bool hd_cgroup_is_frozen(const hd_cgroup *cg);
/* Kill whatever is left (SIGKILL, thawing first), then rmdir everywhere. */
int hd_cgroup_destroy(hd_cgroup *cg, hd_error_t *err);
const char *hd_cgroup_path(const hd_cgroup *cg);
/* cpu, memory, pids and blkio counters (cgroup-stats.c), for `events`. */
int hd_cgroup_stats(hd_cgroup *cg, oci_stats *stats, hd_error_t *err);
void hd_cgroup_free(hd_cgroup *cg);

#endif
