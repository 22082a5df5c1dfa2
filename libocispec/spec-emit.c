/* oci_spec -> JSON. Absent optionals are omitted, present-but-empty arrays
 * are kept as [], so parse(emit(x)) gives back x field for field. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <stdlib.h>

void oci_gen_id_mappings(yajl_gen g, const char *key, const oci_id_mapping *m,
                         size_t n) {
  if (m == NULL)
    return;
  oci_gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_u64(g, "containerID", m[i].container_id);
    oci_gen_key_u64(g, "hostID", m[i].host_id);
    oci_gen_key_u64(g, "size", m[i].size);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_mount(yajl_gen g, const oci_mount *m) {
  yajl_gen_map_open(g);
  oci_gen_key_str(g, "destination", m->destination);
  oci_gen_key_str(g, "type", m->type);
  oci_gen_key_str(g, "source", m->source);
  oci_gen_key_strv(g, "options", m->options, m->options_len, false);
  oci_gen_id_mappings(g, "uidMappings", m->uid_mappings, m->uid_mappings_len);
  oci_gen_id_mappings(g, "gidMappings", m->gid_mappings, m->gid_mappings_len);
  yajl_gen_map_close(g);
}

static void gen_user(yajl_gen g, const oci_user *u) {
  oci_gen_str(g, "user");
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "uid", u->uid);
  oci_gen_key_u64(g, "gid", u->gid);
  if (u->has_umask)
    oci_gen_key_u64(g, "umask", u->umask);
  if (u->additional_gids) {
    oci_gen_str(g, "additionalGids");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < u->additional_gids_len; i++)
      oci_gen_u64(g, u->additional_gids[i]);
    yajl_gen_array_close(g);
  }
  oci_gen_key_str(g, "username", u->username);
  yajl_gen_map_close(g);
}

static void gen_capabilities(yajl_gen g, const oci_capabilities *c) {
  if (c == NULL)
    return;
  oci_gen_str(g, "capabilities");
  yajl_gen_map_open(g);
  oci_gen_key_strv(g, "bounding", c->bounding, c->bounding_len, false);
  oci_gen_key_strv(g, "effective", c->effective, c->effective_len, false);
  oci_gen_key_strv(g, "inheritable", c->inheritable, c->inheritable_len, false);
  oci_gen_key_strv(g, "permitted", c->permitted, c->permitted_len, false);
  oci_gen_key_strv(g, "ambient", c->ambient, c->ambient_len, false);
  yajl_gen_map_close(g);
}

static void gen_rlimits(yajl_gen g, const oci_rlimit *r, size_t n) {
  if (r == NULL)
    return;
  oci_gen_str(g, "rlimits");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "type", r[i].type);
    oci_gen_key_u64(g, "hard", r[i].hard);
    oci_gen_key_u64(g, "soft", r[i].soft);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_process_extras(yajl_gen g, const oci_process *p) {
  if (p->has_oom_score_adj)
    oci_gen_key_i64(g, "oomScoreAdj", p->oom_score_adj);
  oci_gen_key_str(g, "apparmorProfile", p->apparmor_profile);
  oci_gen_key_str(g, "selinuxLabel", p->selinux_label);
  if (p->io_priority_class) {
    oci_gen_str(g, "ioPriority");
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "class", p->io_priority_class);
    if (p->has_io_priority)
      oci_gen_key_i64(g, "priority", p->io_priority);
    yajl_gen_map_close(g);
  }
  if (p->scheduler_policy) {
    oci_gen_str(g, "scheduler");
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "policy", p->scheduler_policy);
    yajl_gen_map_close(g);
  }
}

void oci_gen_process(yajl_gen g, const oci_process *p) {
  yajl_gen_map_open(g);
  oci_gen_key_bool(g, "terminal", p->terminal);
  if (p->has_console_size) {
    oci_gen_str(g, "consoleSize");
    yajl_gen_map_open(g);
    oci_gen_key_u64(g, "height", p->console_height);
    oci_gen_key_u64(g, "width", p->console_width);
    yajl_gen_map_close(g);
  }
  gen_user(g, &p->user);
  oci_gen_key_strv(g, "args", p->args, p->args_len, true);
  oci_gen_key_str(g, "commandLine", p->command_line);
  oci_gen_key_strv(g, "env", p->env, p->env_len, false);
  oci_gen_key_str(g, "cwd", p->cwd);
  gen_capabilities(g, p->capabilities);
  gen_rlimits(g, p->rlimits, p->rlimits_len);
  oci_gen_key_bool(g, "noNewPrivileges", p->no_new_privileges);
  gen_process_extras(g, p);
  yajl_gen_map_close(g);
}

static void gen_hook_list(yajl_gen g, const char *key, const oci_hook *h,
                          size_t n) {
  if (h == NULL)
    return;
  oci_gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "path", h[i].path);
    oci_gen_key_strv(g, "args", h[i].args, h[i].args_len, false);
    oci_gen_key_strv(g, "env", h[i].env, h[i].env_len, false);
    if (h[i].has_timeout)
      oci_gen_key_i64(g, "timeout", h[i].timeout);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_hooks(yajl_gen g, const oci_hooks *h) {
  if (h == NULL)
    return;
  oci_gen_str(g, "hooks");
  yajl_gen_map_open(g);
  gen_hook_list(g, "prestart", h->prestart, h->prestart_len);
  gen_hook_list(g, "createRuntime", h->create_runtime, h->create_runtime_len);
  gen_hook_list(g, "createContainer", h->create_container,
                h->create_container_len);
  gen_hook_list(g, "startContainer", h->start_container,
                h->start_container_len);
  gen_hook_list(g, "poststart", h->poststart, h->poststart_len);
  gen_hook_list(g, "poststop", h->poststop, h->poststop_len);
  yajl_gen_map_close(g);
}

static void gen_spec(yajl_gen g, const oci_spec *s) {
  yajl_gen_map_open(g);
  oci_gen_key_str(g, "ociVersion", s->oci_version);
  if (s->process) {
    oci_gen_str(g, "process");
    oci_gen_process(g, s->process);
  }
  if (s->root) {
    oci_gen_str(g, "root");
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "path", s->root->path);
    oci_gen_key_bool(g, "readonly", s->root->readonly);
    yajl_gen_map_close(g);
  }
  oci_gen_key_str(g, "hostname", s->hostname);
  oci_gen_key_str(g, "domainname", s->domainname);
  if (s->mounts) {
    oci_gen_str(g, "mounts");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < s->mounts_len; i++)
      gen_mount(g, &s->mounts[i]);
    yajl_gen_array_close(g);
  }
  gen_hooks(g, s->hooks);
  oci_gen_key_kv(g, "annotations", s->annotations, s->annotations_len);
  if (s->linux_) {
    oci_gen_str(g, "linux");
    oci_gen_linux(g, s->linux_);
  }
  yajl_gen_map_close(g);
}

char *oci_spec_emit(const oci_spec *spec, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  gen_spec(g, spec);
  return oci_gen_finish(g);
}

char *oci_process_emit(const oci_process *p, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  oci_gen_process(g, p);
  return oci_gen_finish(g);
}

char *oci_resources_emit(const oci_resources *r, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  oci_gen_resources(g, r);
  return oci_gen_finish(g);
}
