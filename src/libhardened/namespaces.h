#ifndef HD_NAMESPACES_H
#define HD_NAMESPACES_H

#include "error.h"
#include "spec.h"
#include <stdbool.h>
#include <sys/types.h>

/* CLONE_NEW* flags for the namespaces the spec asks to create (no path). */
int hd_namespaces_clone_flags(const oci_linux *lnx);
/* True when some namespace is joined by path. */
bool hd_namespaces_has_paths(const oci_linux *lnx);
/* setns() into every namespace that has a path, user namespace first.
 * Opens all paths before joining any, so a bad path fails cleanly. Each
 * opened namespace must be the one the overlay checked (its identity is
 * in the annotation below): a /proc/<pid> whose pid was reused since is
 * refused. */
int hd_namespaces_join(const oci_spec *spec, hd_error_t *err);

/* "org.hardened.namespace.<type>": "<dev>:<ino>" of the namespace the
 * overlay judged for a joined path. Written by the overlay only (it drops
 * a spec's own org.hardened.* annotations). */
#define HD_NS_CHECKED_PREFIX "org.hardened.namespace."
/* Write uid_map/gid_map (and setgroups=deny when needed) for pid. */
int hd_namespaces_write_id_maps(pid_t pid, const oci_linux *lnx,
                                hd_error_t *err);
/* setns() into every namespace of a running process (for exec): user,
 * mnt, pid, net, ipc, uts, cgroup, time, where they differ from ours. */
int hd_namespaces_join_process(pid_t pid, hd_error_t *err);

#endif
