/* The "linux" section and LinuxResources -> JSON. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

static void gen_type_char(yajl_gen g, char type) {
  char s[2] = {type, '\0'};
  oci_gen_key_str(g, "type", s);
}

static void gen_device_cgroups(yajl_gen g, const oci_device_cgroup *d,
                               size_t n) {
  if (d == NULL)
    return;
  oci_gen_str(g, "devices");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_bool(g, "allow", d[i].allow);
    if (d[i].type)
      gen_type_char(g, d[i].type);
    if (d[i].has_major)
      oci_gen_key_i64(g, "major", d[i].major);
    if (d[i].has_minor)
      oci_gen_key_i64(g, "minor", d[i].minor);
    oci_gen_key_str(g, "access", d[i].access);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_memory(yajl_gen g, const oci_memory *m) {
  if (m == NULL)
    return;
  oci_gen_str(g, "memory");
  yajl_gen_map_open(g);
  if (m->has_limit)
    oci_gen_key_i64(g, "limit", m->limit);
  if (m->has_reservation)
    oci_gen_key_i64(g, "reservation", m->reservation);
  if (m->has_swap)
    oci_gen_key_i64(g, "swap", m->swap);
  if (m->has_kernel)
    oci_gen_key_i64(g, "kernel", m->kernel);
  if (m->has_kernel_tcp)
    oci_gen_key_i64(g, "kernelTCP", m->kernel_tcp);
  if (m->has_swappiness)
    oci_gen_key_u64(g, "swappiness", m->swappiness);
  if (m->has_disable_oom_killer)
    oci_gen_key_bool(g, "disableOOMKiller", m->disable_oom_killer);
  if (m->has_use_hierarchy)
    oci_gen_key_bool(g, "useHierarchy", m->use_hierarchy);
  if (m->has_check_before_update)
    oci_gen_key_bool(g, "checkBeforeUpdate", m->check_before_update);
  yajl_gen_map_close(g);
}

static void gen_cpu(yajl_gen g, const oci_cpu *c) {
  if (c == NULL)
    return;
  oci_gen_str(g, "cpu");
  yajl_gen_map_open(g);
  if (c->has_shares)
    oci_gen_key_u64(g, "shares", c->shares);
  if (c->has_quota)
    oci_gen_key_i64(g, "quota", c->quota);
  if (c->has_burst)
    oci_gen_key_u64(g, "burst", c->burst);
  if (c->has_period)
    oci_gen_key_u64(g, "period", c->period);
  if (c->has_realtime_runtime)
    oci_gen_key_i64(g, "realtimeRuntime", c->realtime_runtime);
  if (c->has_realtime_period)
    oci_gen_key_u64(g, "realtimePeriod", c->realtime_period);
  if (c->has_idle)
    oci_gen_key_i64(g, "idle", c->idle);
  oci_gen_key_str(g, "cpus", c->cpus);
  oci_gen_key_str(g, "mems", c->mems);
  yajl_gen_map_close(g);
}

static void gen_throttle(yajl_gen g, const char *key,
                         const oci_throttle_device *t, size_t n) {
  if (t == NULL)
    return;
  oci_gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_i64(g, "major", t[i].major);
    oci_gen_key_i64(g, "minor", t[i].minor);
    oci_gen_key_u64(g, "rate", t[i].rate);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_weight_devices(yajl_gen g, const oci_weight_device *w,
                               size_t n) {
  if (w == NULL)
    return;
  oci_gen_str(g, "weightDevice");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_i64(g, "major", w[i].major);
    oci_gen_key_i64(g, "minor", w[i].minor);
    if (w[i].has_weight)
      oci_gen_key_u64(g, "weight", w[i].weight);
    if (w[i].has_leaf_weight)
      oci_gen_key_u64(g, "leafWeight", w[i].leaf_weight);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_blkio(yajl_gen g, const oci_blkio *b) {
  if (b == NULL)
    return;
  oci_gen_str(g, "blockIO");
  yajl_gen_map_open(g);
  if (b->has_weight)
    oci_gen_key_u64(g, "weight", b->weight);
  if (b->has_leaf_weight)
    oci_gen_key_u64(g, "leafWeight", b->leaf_weight);
  gen_weight_devices(g, b->weight_device, b->weight_device_len);
  gen_throttle(g, "throttleReadBpsDevice", b->throttle_read_bps_device,
               b->throttle_read_bps_device_len);
  gen_throttle(g, "throttleWriteBpsDevice", b->throttle_write_bps_device,
               b->throttle_write_bps_device_len);
  gen_throttle(g, "throttleReadIOPSDevice", b->throttle_read_iops_device,
               b->throttle_read_iops_device_len);
  gen_throttle(g, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
               b->throttle_write_iops_device_len);
  yajl_gen_map_close(g);
}

void oci_gen_resources(yajl_gen g, const oci_resources *r) {
  yajl_gen_map_open(g);
  gen_device_cgroups(g, r->devices, r->devices_len);
  gen_memory(g, r->memory);
  gen_cpu(g, r->cpu);
  if (r->pids) {
    oci_gen_str(g, "pids");
    yajl_gen_map_open(g);
    if (r->pids->has_limit)
      oci_gen_key_i64(g, "limit", r->pids->limit);
    yajl_gen_map_close(g);
  }
  gen_blkio(g, r->block_io);
  if (r->hugepage_limits) {
    oci_gen_str(g, "hugepageLimits");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < r->hugepage_limits_len; i++) {
      yajl_gen_map_open(g);
      oci_gen_key_str(g, "pageSize", r->hugepage_limits[i].page_size);
      oci_gen_key_u64(g, "limit", r->hugepage_limits[i].limit);
      yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
  }
  oci_gen_key_kv(g, "unified", r->unified, r->unified_len);
  yajl_gen_map_close(g);
}

static void gen_namespaces(yajl_gen g, const oci_namespace *ns, size_t n) {
  if (ns == NULL)
    return;
  oci_gen_str(g, "namespaces");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "type", oci_namespace_type_name(ns[i].type));
    oci_gen_key_str(g, "path", ns[i].path);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_devices(yajl_gen g, const oci_device *d, size_t n) {
  if (d == NULL)
    return;
  oci_gen_str(g, "devices");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "path", d[i].path);
    gen_type_char(g, d[i].type);
    if (d[i].has_major)
      oci_gen_key_i64(g, "major", d[i].major);
    if (d[i].has_minor)
      oci_gen_key_i64(g, "minor", d[i].minor);
    if (d[i].has_file_mode)
      oci_gen_key_u64(g, "fileMode", d[i].file_mode);
    if (d[i].has_uid)
      oci_gen_key_u64(g, "uid", d[i].uid);
    if (d[i].has_gid)
      oci_gen_key_u64(g, "gid", d[i].gid);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_syscall(yajl_gen g, const oci_seccomp_syscall *s) {
  yajl_gen_map_open(g);
  oci_gen_key_strv(g, "names", s->names, s->names_len, true);
  oci_gen_key_str(g, "action", oci_seccomp_action_name(s->action));
  if (s->has_errno_ret)
    oci_gen_key_u64(g, "errnoRet", s->errno_ret);
  if (s->args) {
    oci_gen_str(g, "args");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->args_len; i++) {
      yajl_gen_map_open(g);
      oci_gen_key_u64(g, "index", s->args[i].index);
      oci_gen_key_u64(g, "value", s->args[i].value);
      if (s->args[i].value_two)
        oci_gen_key_u64(g, "valueTwo", s->args[i].value_two);
      oci_gen_key_str(g, "op", oci_seccomp_op_name(s->args[i].op));
      yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
  }
  yajl_gen_map_close(g);
}

static void gen_seccomp(yajl_gen g, const oci_seccomp *s) {
  if (s == NULL)
    return;
  oci_gen_str(g, "seccomp");
  yajl_gen_map_open(g);
  oci_gen_key_str(g, "defaultAction",
                  oci_seccomp_action_name(s->default_action));
  if (s->has_default_errno_ret)
    oci_gen_key_u64(g, "defaultErrnoRet", s->default_errno_ret);
  oci_gen_key_strv(g, "architectures", s->architectures, s->architectures_len,
                   false);
  oci_gen_key_strv(g, "flags", s->flags, s->flags_len, false);
  oci_gen_key_str(g, "listenerPath", s->listener_path);
  oci_gen_key_str(g, "listenerMetadata", s->listener_metadata);
  if (s->syscalls) {
    oci_gen_str(g, "syscalls");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->syscalls_len; i++)
      gen_syscall(g, &s->syscalls[i]);
    yajl_gen_array_close(g);
  }
  yajl_gen_map_close(g);
}

void oci_gen_linux(yajl_gen g, const oci_linux *l) {
  yajl_gen_map_open(g);
  oci_gen_id_mappings(g, "uidMappings", l->uid_mappings, l->uid_mappings_len);
  oci_gen_id_mappings(g, "gidMappings", l->gid_mappings, l->gid_mappings_len);
  oci_gen_key_kv(g, "sysctl", l->sysctl, l->sysctl_len);
  if (l->resources) {
    oci_gen_str(g, "resources");
    oci_gen_resources(g, l->resources);
  }
  oci_gen_key_str(g, "cgroupsPath", l->cgroups_path);
  gen_namespaces(g, l->namespaces, l->namespaces_len);
  gen_devices(g, l->devices, l->devices_len);
  gen_seccomp(g, l->seccomp);
  oci_gen_key_str(g, "rootfsPropagation", l->rootfs_propagation);
  oci_gen_key_strv(g, "maskedPaths", l->masked_paths, l->masked_paths_len,
                   false);
  oci_gen_key_strv(g, "readonlyPaths", l->readonly_paths, l->readonly_paths_len,
                   false);
  oci_gen_key_str(g, "mountLabel", l->mount_label);
  if (l->personality) {
    oci_gen_str(g, "personality");
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "domain", l->personality->domain);
    oci_gen_key_strv(g, "flags", l->personality->flags,
                     l->personality->flags_len, false);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
}
