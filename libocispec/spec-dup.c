/* Deep copies, member by member: the overlay copies every spec it
 * hardens, so this must not go through JSON. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <string.h>

#define DUP_POD_ARRAY(src, n) oci_xmemdup((src), (n) * sizeof *(src))

static oci_mount *mounts_dup(const oci_mount *m, size_t n) {
  if (m == NULL)
    return NULL;
  oci_mount *d = oci_xcalloc(n, sizeof *d);
  for (size_t i = 0; i < n; i++) {
    d[i] = m[i];
    d[i].destination = oci_xstrdup(m[i].destination);
    d[i].type = oci_xstrdup(m[i].type);
    d[i].source = oci_xstrdup(m[i].source);
    d[i].options = oci_strv_dup(m[i].options, m[i].options_len);
    d[i].uid_mappings = DUP_POD_ARRAY(m[i].uid_mappings, m[i].uid_mappings_len);
    d[i].gid_mappings = DUP_POD_ARRAY(m[i].gid_mappings, m[i].gid_mappings_len);
  }
  return d;
}

static oci_capabilities *caps_dup(const oci_capabilities *c) {
  if (c == NULL)
    return NULL;
  oci_capabilities *d = oci_xcalloc(1, sizeof *d);
  *d = *c;
  d->bounding = oci_strv_dup(c->bounding, c->bounding_len);
  d->effective = oci_strv_dup(c->effective, c->effective_len);
  d->inheritable = oci_strv_dup(c->inheritable, c->inheritable_len);
  d->permitted = oci_strv_dup(c->permitted, c->permitted_len);
  d->ambient = oci_strv_dup(c->ambient, c->ambient_len);
  return d;
}

static void process_copy(oci_process *d, const oci_process *p) {
  *d = *p;
  d->user.additional_gids =
      DUP_POD_ARRAY(p->user.additional_gids, p->user.additional_gids_len);
  d->user.username = oci_xstrdup(p->user.username);
  d->args = oci_strv_dup(p->args, p->args_len);
  d->command_line = oci_xstrdup(p->command_line);
  d->env = oci_strv_dup(p->env, p->env_len);
  d->cwd = oci_xstrdup(p->cwd);
  d->capabilities = caps_dup(p->capabilities);
  d->rlimits = DUP_POD_ARRAY(p->rlimits, p->rlimits_len);
  for (size_t i = 0; d->rlimits && i < p->rlimits_len; i++)
    d->rlimits[i].type = oci_xstrdup(p->rlimits[i].type);
  d->apparmor_profile = oci_xstrdup(p->apparmor_profile);
  d->selinux_label = oci_xstrdup(p->selinux_label);
  d->io_priority_class = oci_xstrdup(p->io_priority_class);
  d->scheduler_policy = oci_xstrdup(p->scheduler_policy);
}

oci_process *oci_process_dup(const oci_process *p) {
  if (p == NULL)
    return NULL;
  oci_process *d = oci_xcalloc(1, sizeof *d);
  process_copy(d, p);
  return d;
}

static oci_hook *hooks_list_dup(const oci_hook *h, size_t n) {
  if (h == NULL)
    return NULL;
  oci_hook *d = oci_xcalloc(n, sizeof *d);
  for (size_t i = 0; i < n; i++) {
    d[i] = h[i];
    d[i].path = oci_xstrdup(h[i].path);
    d[i].args = oci_strv_dup(h[i].args, h[i].args_len);
    d[i].env = oci_strv_dup(h[i].env, h[i].env_len);
  }
  return d;
}

static oci_hooks *hooks_dup(const oci_hooks *h) {
  if (h == NULL)
    return NULL;
  oci_hooks *d = oci_xcalloc(1, sizeof *d);
  *d = *h;
  d->prestart = hooks_list_dup(h->prestart, h->prestart_len);
  d->create_runtime = hooks_list_dup(h->create_runtime, h->create_runtime_len);
  d->create_container =
      hooks_list_dup(h->create_container, h->create_container_len);
  d->start_container =
      hooks_list_dup(h->start_container, h->start_container_len);
  d->poststart = hooks_list_dup(h->poststart, h->poststart_len);
  d->poststop = hooks_list_dup(h->poststop, h->poststop_len);
  return d;
}

static oci_blkio *blkio_dup(const oci_blkio *b) {
  if (b == NULL)
    return NULL;
  oci_blkio *d = oci_xmemdup(b, sizeof *b);
  d->weight_device = DUP_POD_ARRAY(b->weight_device, b->weight_device_len);
  d->throttle_read_bps_device = DUP_POD_ARRAY(b->throttle_read_bps_device,
                                              b->throttle_read_bps_device_len);
  d->throttle_write_bps_device = DUP_POD_ARRAY(
      b->throttle_write_bps_device, b->throttle_write_bps_device_len);
  d->throttle_read_iops_device = DUP_POD_ARRAY(
      b->throttle_read_iops_device, b->throttle_read_iops_device_len);
  d->throttle_write_iops_device = DUP_POD_ARRAY(
      b->throttle_write_iops_device, b->throttle_write_iops_device_len);
  return d;
}

oci_resources *oci_resources_dup(const oci_resources *r) {
  if (r == NULL)
    return NULL;
  oci_resources *d = oci_xmemdup(r, sizeof *r);
  d->devices = DUP_POD_ARRAY(r->devices, r->devices_len);
  for (size_t i = 0; d->devices && i < r->devices_len; i++)
    d->devices[i].access = oci_xstrdup(r->devices[i].access);
  d->memory = oci_xmemdup(r->memory, sizeof *r->memory);
  d->cpu = oci_xmemdup(r->cpu, sizeof *r->cpu);
  if (d->cpu) {
    d->cpu->cpus = oci_xstrdup(r->cpu->cpus);
    d->cpu->mems = oci_xstrdup(r->cpu->mems);
  }
  d->pids = oci_xmemdup(r->pids, sizeof *r->pids);
  d->block_io = blkio_dup(r->block_io);
  d->hugepage_limits =
      DUP_POD_ARRAY(r->hugepage_limits, r->hugepage_limits_len);
  for (size_t i = 0; d->hugepage_limits && i < r->hugepage_limits_len; i++)
    d->hugepage_limits[i].page_size =
        oci_xstrdup(r->hugepage_limits[i].page_size);
  d->unified = oci_kv_dup(r->unified, r->unified_len);
  return d;
}

static oci_seccomp *seccomp_dup(const oci_seccomp *s) {
  if (s == NULL)
    return NULL;
  oci_seccomp *d = oci_xmemdup(s, sizeof *s);
  d->architectures = oci_strv_dup(s->architectures, s->architectures_len);
  d->flags = oci_strv_dup(s->flags, s->flags_len);
  d->listener_path = oci_xstrdup(s->listener_path);
  d->listener_metadata = oci_xstrdup(s->listener_metadata);
  d->syscalls = DUP_POD_ARRAY(s->syscalls, s->syscalls_len);
  for (size_t i = 0; d->syscalls && i < s->syscalls_len; i++) {
    const oci_seccomp_syscall *sc = &s->syscalls[i];
    d->syscalls[i].names = oci_strv_dup(sc->names, sc->names_len);
    d->syscalls[i].args = DUP_POD_ARRAY(sc->args, sc->args_len);
  }
  return d;
}

static oci_personality *personality_dup(const oci_personality *p) {
  if (p == NULL)
    return NULL;
  oci_personality *d = oci_xcalloc(1, sizeof *d);
  d->domain = oci_xstrdup(p->domain);
  d->flags = oci_strv_dup(p->flags, p->flags_len);
  d->flags_len = p->flags_len;
  return d;
}

static oci_linux *linux_dup(const oci_linux *l) {
  if (l == NULL)
    return NULL;
  oci_linux *d = oci_xmemdup(l, sizeof *l);
  d->uid_mappings = DUP_POD_ARRAY(l->uid_mappings, l->uid_mappings_len);
  d->gid_mappings = DUP_POD_ARRAY(l->gid_mappings, l->gid_mappings_len);
  d->sysctl = oci_kv_dup(l->sysctl, l->sysctl_len);
  d->resources = oci_resources_dup(l->resources);
  d->cgroups_path = oci_xstrdup(l->cgroups_path);
  d->namespaces = DUP_POD_ARRAY(l->namespaces, l->namespaces_len);
  for (size_t i = 0; d->namespaces && i < l->namespaces_len; i++)
    d->namespaces[i].path = oci_xstrdup(l->namespaces[i].path);
  d->devices = DUP_POD_ARRAY(l->devices, l->devices_len);
  for (size_t i = 0; d->devices && i < l->devices_len; i++)
    d->devices[i].path = oci_xstrdup(l->devices[i].path);
  d->seccomp = seccomp_dup(l->seccomp);
  d->rootfs_propagation = oci_xstrdup(l->rootfs_propagation);
  d->masked_paths = oci_strv_dup(l->masked_paths, l->masked_paths_len);
  d->readonly_paths = oci_strv_dup(l->readonly_paths, l->readonly_paths_len);
  d->mount_label = oci_xstrdup(l->mount_label);
  d->personality = personality_dup(l->personality);
  return d;
}

oci_spec *oci_spec_dup(const oci_spec *s) {
  if (s == NULL)
    return NULL;
  oci_spec *d = oci_xmemdup(s, sizeof *s);
  d->oci_version = oci_xstrdup(s->oci_version);
  if (s->root) {
    d->root = oci_xmemdup(s->root, sizeof *s->root);
    d->root->path = oci_xstrdup(s->root->path);
  }
  d->mounts = mounts_dup(s->mounts, s->mounts_len);
  d->process = oci_process_dup(s->process);
  d->hostname = oci_xstrdup(s->hostname);
  d->domainname = oci_xstrdup(s->domainname);
  d->hooks = hooks_dup(s->hooks);
  d->annotations = oci_kv_dup(s->annotations, s->annotations_len);
  d->linux_ = linux_dup(s->linux_);
  return d;
}
