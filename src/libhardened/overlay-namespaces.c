/* Namespaces joined by path (rule host-namespace). A path names a
 * namespace by whatever process or file holds it; what matters is whose
 * namespace it is. hardened tells them apart by the namespace's identity
 * (the nsfs device and inode), which host-facts.c reads:
 *
 *  - the host's own (the runtime's and pid 1's): refused for pid, mount,
 *    ipc, uts, cgroup (and network unless allow_host_network), in
 *    overlay.c;
 *  - a namespace of a live container init of this runtime's state root
 *    (--ipc container:X, --pid container:X, a Kubernetes pod's pause
 *    container): allowed, whatever the type; that container's own spec
 *    went through this overlay;
 *  - an nsfs file pinned outside /proc (ip netns, docker's, CNI's and
 *    CRI-O's files): allowed for network, ipc and uts, the types engines
 *    pin and hand over; only host root can pin one;
 *  - time: allowed from anywhere (an offset of the container's clocks);
 *  - anything else, such as /proc/<host pid>/ns/mnt of a host service with
 *    a private mount namespace, is some host process's: refused. Joining
 *    its mount namespace would pivot_root it onto the image; its user
 *    namespace has a map the overlay never saw. */
#define _GNU_SOURCE
#include "namespaces.h"
#include "overlay-internal.h"

#include <stdio.h>
#include <string.h>

bool hd_ov_pin_allowed(oci_namespace_type type) {
  return type == OCI_NS_NETWORK || type == OCI_NS_IPC || type == OCI_NS_UTS;
}

static bool is_container_ns(const hd_ov *c, oci_namespace_type type,
                            const hd_fact_ns *f) {
  for (size_t i = 0; c->host && i < c->host->container_ns_len; i++) {
    const hd_fact_container_ns *n = &c->host->container_ns[i];
    if (n->type == type && n->dev == f->dev && n->ino == f->ino)
      return true;
  }
  return false;
}

bool hd_ov_joinable_ns(const hd_ov *c, oci_namespace_type type,
                       const hd_fact_ns *f) {
  if (type == OCI_NS_TIME || is_container_ns(c, type, f))
    return true;
  return f->pinned && hd_ov_pin_allowed(type);
}

/* What was judged travels with the spec: setup compares the namespace it
 * opens with this identity (namespaces.c), so a path that names another
 * namespace by then (a pid reused) is refused, not joined. */
void hd_ov_note_joined_ns(hd_ov *c, oci_spec *s) {
  const oci_linux *l = s->linux_;
  for (size_t i = 0; l && i < l->namespaces_len; i++) {
    const oci_namespace *ns = &l->namespaces[i];
    const hd_fact_ns *f =
        ns->path && *ns->path ? hd_facts_ns_path(c->host, ns->path) : NULL;
    if (f == NULL)
      continue;
    s->annotations =
        xrealloc(s->annotations, (s->annotations_len + 1) * sizeof(oci_kv));
    s->annotations[s->annotations_len++] =
        (oci_kv){.key = xasprintf("%s%s", HD_NS_CHECKED_PREFIX,
                                  oci_namespace_type_name(ns->type)),
                 .value = xasprintf("%llu:%llu", (unsigned long long)f->dev,
                                    (unsigned long long)f->ino)};
  }
}
