/* Freeing walks the whole tree; every function accepts NULL and
 * half-built structs (zeroed members), which is what a failed parse
 * leaves. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <stdlib.h>

static void mount_clear(oci_mount *m) {
  free(m->destination);
  free(m->type);
  free(m->source);
  oci_strv_free(m->options, m->options_len);
  free(m->uid_mappings);
  free(m->gid_mappings);
}

void oci_capabilities_free(oci_capabilities *c) {
  if (c == NULL)
    return;
  oci_strv_free(c->bounding, c->bounding_len);
  oci_strv_free(c->effective, c->effective_len);
  oci_strv_free(c->inheritable, c->inheritable_len);
  oci_strv_free(c->permitted, c->permitted_len);
  oci_strv_free(c->ambient, c->ambient_len);
  free(c);
}

void oci_process_clear(oci_process *p) {
  if (p == NULL)
    return;
  free(p->user.additional_gids);
  free(p->user.username);
  oci_strv_free(p->args, p->args_len);
  free(p->command_line);
  oci_strv_free(p->env, p->env_len);
  free(p->cwd);
  oci_capabilities_free(p->capabilities);
  for (size_t i = 0; p->rlimits && i < p->rlimits_len; i++)
    free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  free(p->io_priority_class);
  free(p->scheduler_policy);
  *p = (oci_process){0};
}

void oci_process_free(oci_process *p) {
  oci_process_clear(p);
  free(p);
}

static void hook_list_free(oci_hook *h, size_t n) {
  for (size_t i = 0; h && i < n; i++) {
    free(h[i].path);
    oci_strv_free(h[i].args, h[i].args_len);
    oci_strv_free(h[i].env, h[i].env_len);
  }
  free(h);
}

static void hooks_free(oci_hooks *h) {
  if (h == NULL)
    return;
  hook_list_free(h->prestart, h->prestart_len);
  hook_list_free(h->create_runtime, h->create_runtime_len);
  hook_list_free(h->create_container, h->create_container_len);
  hook_list_free(h->start_container, h->start_container_len);
  hook_list_free(h->poststart, h->poststart_len);
  hook_list_free(h->poststop, h->poststop_len);
  free(h);
}

static void blkio_free(oci_blkio *b) {
  if (b == NULL)
    return;
  free(b->weight_device);
  free(b->throttle_read_bps_device);
  free(b->throttle_write_bps_device);
  free(b->throttle_read_iops_device);
  free(b->throttle_write_iops_device);
  free(b);
}

void oci_resources_clear(oci_resources *r) {
  if (r == NULL)
    return;
  for (size_t i = 0; r->devices && i < r->devices_len; i++)
    free(r->devices[i].access);
  free(r->devices);
  free(r->memory);
  if (r->cpu) {
    free(r->cpu->cpus);
    free(r->cpu->mems);
    free(r->cpu);
  }
  free(r->pids);
  blkio_free(r->block_io);
  for (size_t i = 0; r->hugepage_limits && i < r->hugepage_limits_len; i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  oci_kv_free(r->unified, r->unified_len);
  *r = (oci_resources){0};
}

void oci_resources_free(oci_resources *r) {
  oci_resources_clear(r);
  free(r);
}

static void seccomp_free(oci_seccomp *s) {
  if (s == NULL)
    return;
  oci_strv_free(s->architectures, s->architectures_len);
  oci_strv_free(s->flags, s->flags_len);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->syscalls_len; i++) {
    oci_strv_free(s->syscalls[i].names, s->syscalls[i].names_len);
    free(s->syscalls[i].args);
  }
  free(s->syscalls);
  free(s);
}

void oci_linux_free(oci_linux *l) {
  if (l == NULL)
    return;
  free(l->uid_mappings);
  free(l->gid_mappings);
  oci_kv_free(l->sysctl, l->sysctl_len);
  oci_resources_free(l->resources);
  free(l->cgroups_path);
  for (size_t i = 0; l->namespaces && i < l->namespaces_len; i++)
    free(l->namespaces[i].path);
  free(l->namespaces);
  for (size_t i = 0; l->devices && i < l->devices_len; i++)
    free(l->devices[i].path);
  free(l->devices);
  seccomp_free(l->seccomp);
  free(l->rootfs_propagation);
  oci_strv_free(l->masked_paths, l->masked_paths_len);
  oci_strv_free(l->readonly_paths, l->readonly_paths_len);
  free(l->mount_label);
  if (l->personality) {
    free(l->personality->domain);
    oci_strv_free(l->personality->flags, l->personality->flags_len);
    free(l->personality);
  }
  free(l);
}

void oci_spec_free(oci_spec *spec) {
  if (spec == NULL)
    return;
  free(spec->oci_version);
  if (spec->root) {
    free(spec->root->path);
    free(spec->root);
  }
  for (size_t i = 0; spec->mounts && i < spec->mounts_len; i++)
    mount_clear(&spec->mounts[i]);
  free(spec->mounts);
  oci_process_free(spec->process);
  free(spec->hostname);
  free(spec->domainname);
  hooks_free(spec->hooks);
  oci_kv_free(spec->annotations, spec->annotations_len);
  oci_linux_free(spec->linux_);
  free(spec);
}
