/* config.json "linux" section -> oci_linux, and LinuxResources (also the
 * document `update --resources` reads).
 *
 * Decisions where the spec leaves room:
 *  - linux.devices[].type must be one of c, b, u, p;
 *  - resources.devices[].allow is required (the spec says so), type is
 *    a, c or b, and access only letters from "rwm";
 *  - seccomp args need index, value and op; valueTwo defaults to 0;
 *  - seccomp architectures and flags are kept as strings: libseccomp and
 *    the kernel decide which ones exist;
 *  - blockIO device entries need major and minor, throttle ones need rate;
 *  - hugepageLimits entries need pageSize and limit.
 */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <stdlib.h>
#include <string.h>

static int fail_at(oci_jp *p, const char *key, const char *what,
                   const char *value) {
  size_t old = oci_jp_push_key(p, key);
  char *quoted = oci_quote_for_message(value);
  oci_jp_fail(p, "%s %s", what, quoted);
  free(quoted);
  oci_jp_pop(p, old);
  return -1;
}

static int parse_namespace(oci_jp *p, yajl_val v, void *elem) {
  oci_namespace *ns = elem;
  char *type = NULL;
  if (oci_get_string(p, v, "type", &type, true) < 0)
    return -1;
  int t = oci_namespace_type_from_name(type);
  if (t < 0) {
    fail_at(p, "type", "unknown namespace type", type);
    free(type);
    return -1;
  }
  free(type);
  ns->type = (oci_namespace_type)t;
  return oci_get_string(p, v, "path", &ns->path, false);
}

/* A one-letter type field, checked against `allowed`. */
static int parse_type_char(oci_jp *p, yajl_val v, bool required,
                           const char *allowed, const char *what, char *out) {
  char *type = NULL;
  if (oci_get_string(p, v, "type", &type, required) < 0)
    return -1;
  if (type == NULL)
    return 0;
  int r = 0;
  if (strlen(type) != 1 || strchr(allowed, type[0]) == NULL)
    r = fail_at(p, "type", what, type);
  else
    *out = type[0];
  free(type);
  return r;
}

static int parse_device(oci_jp *p, yajl_val v, void *elem) {
  oci_device *d = elem;
  if (oci_get_string(p, v, "path", &d->path, true) < 0 ||
      parse_type_char(p, v, true, "cbup", "unknown device type", &d->type) <
          0 ||
      oci_get_i64(p, v, "major", INT64_MIN, INT64_MAX, &d->major, &d->has_major,
                  false) < 0 ||
      oci_get_i64(p, v, "minor", INT64_MIN, INT64_MAX, &d->minor, &d->has_minor,
                  false) < 0 ||
      oci_get_u32(p, v, "fileMode", &d->file_mode, &d->has_file_mode, false) <
          0 ||
      oci_get_u32(p, v, "uid", &d->uid, &d->has_uid, false) < 0 ||
      oci_get_u32(p, v, "gid", &d->gid, &d->has_gid, false) < 0)
    return -1;
  return 0;
}

static int parse_device_cgroup(oci_jp *p, yajl_val v, void *elem) {
  oci_device_cgroup *d = elem;
  yajl_val allow = oci_obj_get(v, "allow");
  if (allow == NULL) {
    size_t old = oci_jp_push_key(p, "allow");
    oci_jp_fail(p, "required field missing");
    oci_jp_pop(p, old);
    return -1;
  }
  if (oci_get_bool(p, v, "allow", &d->allow) < 0 ||
      parse_type_char(p, v, false, "acb", "unknown device cgroup type",
                      &d->type) < 0 ||
      oci_get_i64(p, v, "major", INT64_MIN, INT64_MAX, &d->major, &d->has_major,
                  false) < 0 ||
      oci_get_i64(p, v, "minor", INT64_MIN, INT64_MAX, &d->minor, &d->has_minor,
                  false) < 0 ||
      oci_get_string(p, v, "access", &d->access, false) < 0)
    return -1;
  if (d->access != NULL && strspn(d->access, "rwm") != strlen(d->access))
    return fail_at(p, "access", "expected letters from \"rwm\", got",
                   d->access);
  return 0;
}

static int parse_memory(oci_jp *p, yajl_val v, void *elem) {
  oci_memory *m = elem;
  if (oci_get_i64(p, v, "limit", INT64_MIN, INT64_MAX, &m->limit, &m->has_limit,
                  false) < 0 ||
      oci_get_i64(p, v, "reservation", INT64_MIN, INT64_MAX, &m->reservation,
                  &m->has_reservation, false) < 0 ||
      oci_get_i64(p, v, "swap", INT64_MIN, INT64_MAX, &m->swap, &m->has_swap,
                  false) < 0 ||
      oci_get_i64(p, v, "kernel", INT64_MIN, INT64_MAX, &m->kernel,
                  &m->has_kernel, false) < 0 ||
      oci_get_i64(p, v, "kernelTCP", INT64_MIN, INT64_MAX, &m->kernel_tcp,
                  &m->has_kernel_tcp, false) < 0 ||
      oci_get_u64(p, v, "swappiness", UINT64_MAX, &m->swappiness,
                  &m->has_swappiness, false) < 0)
    return -1;
  /* Booleans carry a has_ flag: "false" and "absent" mean different
   * things to the cgroup writer. */
  if (oci_obj_get(v, "disableOOMKiller"))
    m->has_disable_oom_killer = true;
  if (oci_obj_get(v, "useHierarchy"))
    m->has_use_hierarchy = true;
  if (oci_obj_get(v, "checkBeforeUpdate"))
    m->has_check_before_update = true;
  if (oci_get_bool(p, v, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
      oci_get_bool(p, v, "useHierarchy", &m->use_hierarchy) < 0 ||
      oci_get_bool(p, v, "checkBeforeUpdate", &m->check_before_update) < 0)
    return -1;
  return 0;
}

static int parse_cpu(oci_jp *p, yajl_val v, void *elem) {
  oci_cpu *c = elem;
  if (oci_get_u64(p, v, "shares", UINT64_MAX, &c->shares, &c->has_shares,
                  false) < 0 ||
      oci_get_i64(p, v, "quota", INT64_MIN, INT64_MAX, &c->quota, &c->has_quota,
                  false) < 0 ||
      oci_get_u64(p, v, "burst", UINT64_MAX, &c->burst, &c->has_burst, false) <
          0 ||
      oci_get_u64(p, v, "period", UINT64_MAX, &c->period, &c->has_period,
                  false) < 0 ||
      oci_get_i64(p, v, "realtimeRuntime", INT64_MIN, INT64_MAX,
                  &c->realtime_runtime, &c->has_realtime_runtime, false) < 0 ||
      oci_get_u64(p, v, "realtimePeriod", UINT64_MAX, &c->realtime_period,
                  &c->has_realtime_period, false) < 0 ||
      oci_get_i64(p, v, "idle", INT64_MIN, INT64_MAX, &c->idle, &c->has_idle,
                  false) < 0 ||
      oci_get_string(p, v, "cpus", &c->cpus, false) < 0 ||
      oci_get_string(p, v, "mems", &c->mems, false) < 0)
    return -1;
  return 0;
}

static int parse_pids(oci_jp *p, yajl_val v, void *elem) {
  oci_pids *pids = elem;
  return oci_get_i64(p, v, "limit", INT64_MIN, INT64_MAX, &pids->limit,
                     &pids->has_limit, false);
}

static int parse_weight_device(oci_jp *p, yajl_val v, void *elem) {
  oci_weight_device *w = elem;
  uint64_t weight = 0, leaf = 0;
  if (oci_get_i64(p, v, "major", INT64_MIN, INT64_MAX, &w->major, NULL, true) <
          0 ||
      oci_get_i64(p, v, "minor", INT64_MIN, INT64_MAX, &w->minor, NULL, true) <
          0 ||
      oci_get_u64(p, v, "weight", UINT16_MAX, &weight, &w->has_weight, false) <
          0 ||
      oci_get_u64(p, v, "leafWeight", UINT16_MAX, &leaf, &w->has_leaf_weight,
                  false) < 0)
    return -1;
  w->weight = (uint16_t)weight;
  w->leaf_weight = (uint16_t)leaf;
  return 0;
}

static int parse_throttle_device(oci_jp *p, yajl_val v, void *elem) {
  oci_throttle_device *t = elem;
  if (oci_get_i64(p, v, "major", INT64_MIN, INT64_MAX, &t->major, NULL, true) <
          0 ||
      oci_get_i64(p, v, "minor", INT64_MIN, INT64_MAX, &t->minor, NULL, true) <
          0 ||
      oci_get_u64(p, v, "rate", UINT64_MAX, &t->rate, NULL, true) < 0)
    return -1;
  return 0;
}

static int parse_throttle_list(oci_jp *p, yajl_val v, const char *key,
                               oci_throttle_device **out, size_t *len) {
  return oci_get_array(p, v, key, sizeof(oci_throttle_device), (void **)out,
                       len, parse_throttle_device, false);
}

static int parse_blkio(oci_jp *p, yajl_val v, void *elem) {
  oci_blkio *b = elem;
  uint64_t weight = 0, leaf = 0;
  if (oci_get_u64(p, v, "weight", UINT16_MAX, &weight, &b->has_weight, false) <
          0 ||
      oci_get_u64(p, v, "leafWeight", UINT16_MAX, &leaf, &b->has_leaf_weight,
                  false) < 0 ||
      oci_get_array(p, v, "weightDevice", sizeof(oci_weight_device),
                    (void **)&b->weight_device, &b->weight_device_len,
                    parse_weight_device, false) < 0 ||
      parse_throttle_list(p, v, "throttleReadBpsDevice",
                          &b->throttle_read_bps_device,
                          &b->throttle_read_bps_device_len) < 0 ||
      parse_throttle_list(p, v, "throttleWriteBpsDevice",
                          &b->throttle_write_bps_device,
                          &b->throttle_write_bps_device_len) < 0 ||
      parse_throttle_list(p, v, "throttleReadIOPSDevice",
                          &b->throttle_read_iops_device,
                          &b->throttle_read_iops_device_len) < 0 ||
      parse_throttle_list(p, v, "throttleWriteIOPSDevice",
                          &b->throttle_write_iops_device,
                          &b->throttle_write_iops_device_len) < 0)
    return -1;
  b->weight = (uint16_t)weight;
  b->leaf_weight = (uint16_t)leaf;
  return 0;
}

static int parse_hugepage(oci_jp *p, yajl_val v, void *elem) {
  oci_hugepage_limit *h = elem;
  if (oci_get_string(p, v, "pageSize", &h->page_size, true) < 0 ||
      oci_get_u64(p, v, "limit", UINT64_MAX, &h->limit, NULL, true) < 0)
    return -1;
  return 0;
}

int oci_parse_resources_obj(oci_jp *p, yajl_val v, void *elem) {
  oci_resources *r = elem;
  if (oci_get_array(p, v, "devices", sizeof(oci_device_cgroup),
                    (void **)&r->devices, &r->devices_len, parse_device_cgroup,
                    false) < 0 ||
      oci_get_object(p, v, "memory", sizeof(oci_memory), (void **)&r->memory,
                     parse_memory, false) < 0 ||
      oci_get_object(p, v, "cpu", sizeof(oci_cpu), (void **)&r->cpu, parse_cpu,
                     false) < 0 ||
      oci_get_object(p, v, "pids", sizeof(oci_pids), (void **)&r->pids,
                     parse_pids, false) < 0 ||
      oci_get_object(p, v, "blockIO", sizeof(oci_blkio), (void **)&r->block_io,
                     parse_blkio, false) < 0 ||
      oci_get_array(p, v, "hugepageLimits", sizeof(oci_hugepage_limit),
                    (void **)&r->hugepage_limits, &r->hugepage_limits_len,
                    parse_hugepage, false) < 0 ||
      oci_get_kv(p, v, "unified", &r->unified, &r->unified_len) < 0)
    return -1;
  return 0;
}

static int parse_action(oci_jp *p, yajl_val v, const char *key, bool required,
                        oci_seccomp_action *out) {
  char *name = NULL;
  if (oci_get_string(p, v, key, &name, required) < 0)
    return -1;
  if (name == NULL)
    return 0;
  int a = oci_seccomp_action_from_name(name);
  int r = 0;
  if (a < 0)
    r = fail_at(p, key, "unknown seccomp action", name);
  else
    *out = (oci_seccomp_action)a;
  free(name);
  return r;
}

static int parse_seccomp_arg(oci_jp *p, yajl_val v, void *elem) {
  oci_seccomp_arg *a = elem;
  char *op = NULL;
  if (oci_get_u32(p, v, "index", &a->index, NULL, true) < 0 ||
      oci_get_u64(p, v, "value", UINT64_MAX, &a->value, NULL, true) < 0 ||
      oci_get_u64(p, v, "valueTwo", UINT64_MAX, &a->value_two, NULL, false) <
          0 ||
      oci_get_string(p, v, "op", &op, true) < 0)
    return -1;
  int n = oci_seccomp_op_from_name(op);
  int r = 0;
  if (n < 0)
    r = fail_at(p, "op", "unknown seccomp operator", op);
  else
    a->op = (oci_seccomp_op)n;
  free(op);
  return r;
}

static int parse_syscall(oci_jp *p, yajl_val v, void *elem) {
  oci_seccomp_syscall *s = elem;
  if (oci_get_strv(p, v, "names", &s->names, &s->names_len, true) < 0 ||
      parse_action(p, v, "action", true, &s->action) < 0 ||
      oci_get_u32(p, v, "errnoRet", &s->errno_ret, &s->has_errno_ret, false) <
          0 ||
      oci_get_array(p, v, "args", sizeof(oci_seccomp_arg), (void **)&s->args,
                    &s->args_len, parse_seccomp_arg, false) < 0)
    return -1;
  return 0;
}

static int parse_seccomp(oci_jp *p, yajl_val v, void *elem) {
  oci_seccomp *s = elem;
  if (parse_action(p, v, "defaultAction", true, &s->default_action) < 0 ||
      oci_get_u32(p, v, "defaultErrnoRet", &s->default_errno_ret,
                  &s->has_default_errno_ret, false) < 0 ||
      oci_get_strv(p, v, "architectures", &s->architectures,
                   &s->architectures_len, false) < 0 ||
      oci_get_strv(p, v, "flags", &s->flags, &s->flags_len, false) < 0 ||
      oci_get_string(p, v, "listenerPath", &s->listener_path, false) < 0 ||
      oci_get_string(p, v, "listenerMetadata", &s->listener_metadata, false) <
          0 ||
      oci_get_array(p, v, "syscalls", sizeof(oci_seccomp_syscall),
                    (void **)&s->syscalls, &s->syscalls_len, parse_syscall,
                    false) < 0)
    return -1;
  return 0;
}

static int parse_personality(oci_jp *p, yajl_val v, void *elem) {
  oci_personality *pe = elem;
  if (oci_get_string(p, v, "domain", &pe->domain, true) < 0 ||
      oci_get_strv(p, v, "flags", &pe->flags, &pe->flags_len, false) < 0)
    return -1;
  return 0;
}

static int parse_linux_ids(oci_jp *p, yajl_val v, oci_linux *l) {
  if (oci_get_array(p, v, "uidMappings", sizeof(oci_id_mapping),
                    (void **)&l->uid_mappings, &l->uid_mappings_len,
                    oci_parse_id_mapping, false) < 0 ||
      oci_get_array(p, v, "gidMappings", sizeof(oci_id_mapping),
                    (void **)&l->gid_mappings, &l->gid_mappings_len,
                    oci_parse_id_mapping, false) < 0 ||
      oci_get_array(p, v, "namespaces", sizeof(oci_namespace),
                    (void **)&l->namespaces, &l->namespaces_len,
                    parse_namespace, false) < 0)
    return -1;
  return 0;
}

/* The spec: "If a namespace type is specified more than once, the runtime
 * MUST generate an error." */
static int check_namespace_duplicates(oci_jp *p, const oci_linux *l) {
  bool seen[OCI_NS__COUNT] = {false};
  for (size_t i = 0; i < l->namespaces_len; i++) {
    oci_namespace_type t = l->namespaces[i].type;
    if (!seen[t]) {
      seen[t] = true;
      continue;
    }
    size_t old = oci_jp_push_key(p, "namespaces");
    oci_jp_push_index(p, i);
    oci_jp_fail(p, "namespace type \"%s\" given more than once",
                oci_namespace_type_name(t));
    oci_jp_pop(p, old);
    return -1;
  }
  return 0;
}

int oci_parse_linux_obj(oci_jp *p, yajl_val v, void *elem) {
  oci_linux *l = elem;
  if (parse_linux_ids(p, v, l) < 0 || check_namespace_duplicates(p, l) < 0 ||
      oci_get_kv(p, v, "sysctl", &l->sysctl, &l->sysctl_len) < 0 ||
      oci_get_object(p, v, "resources", sizeof(oci_resources),
                     (void **)&l->resources, oci_parse_resources_obj,
                     false) < 0 ||
      oci_get_string(p, v, "cgroupsPath", &l->cgroups_path, false) < 0 ||
      oci_get_array(p, v, "devices", sizeof(oci_device), (void **)&l->devices,
                    &l->devices_len, parse_device, false) < 0 ||
      oci_get_object(p, v, "seccomp", sizeof(oci_seccomp), (void **)&l->seccomp,
                     parse_seccomp, false) < 0 ||
      oci_get_string(p, v, "rootfsPropagation", &l->rootfs_propagation, false) <
          0 ||
      oci_get_strv(p, v, "maskedPaths", &l->masked_paths, &l->masked_paths_len,
                   false) < 0 ||
      oci_get_strv(p, v, "readonlyPaths", &l->readonly_paths,
                   &l->readonly_paths_len, false) < 0 ||
      oci_get_string(p, v, "mountLabel", &l->mount_label, false) < 0 ||
      oci_get_object(p, v, "personality", sizeof(oci_personality),
                     (void **)&l->personality, parse_personality, false) < 0)
    return -1;
  return 0;
}
