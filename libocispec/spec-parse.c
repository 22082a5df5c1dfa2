/* config.json -> oci_spec: the top level, root, mounts, process, hooks.
 * The linux section is in spec-parse-linux.c.
 *
 * Every parsed value is stored in the result as soon as it exists, so on
 * failure one oci_*_free() of the half-built result releases everything.
 *
 * Required fields follow the runtime-spec. Where the spec leaves it open:
 *  - process.user is required when process is present (uid/gid are);
 *  - hooks[].timeout must be > 0 (the spec says so; 0 would mean "never");
 *  - process.consoleSize needs both height and width;
 *  - process.ioPriority needs class, priority is optional;
 *  - uid/gid mapping entries need all three numbers;
 *  - rlimit type names are not checked here: the process code knows which
 *    ones the kernel has.
 */
#define _GNU_SOURCE
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int oci_parse_id_mapping(oci_jp *p, yajl_val v, void *elem) {
  oci_id_mapping *m = elem;
  if (oci_get_u32(p, v, "containerID", &m->container_id, NULL, true) < 0 ||
      oci_get_u32(p, v, "hostID", &m->host_id, NULL, true) < 0 ||
      oci_get_u32(p, v, "size", &m->size, NULL, true) < 0)
    return -1;
  return 0;
}

static int parse_root(oci_jp *p, yajl_val v, void *elem) {
  oci_root *r = elem;
  if (oci_get_string(p, v, "path", &r->path, true) < 0 ||
      oci_get_bool(p, v, "readonly", &r->readonly) < 0)
    return -1;
  return 0;
}

static int parse_mount(oci_jp *p, yajl_val v, void *elem) {
  oci_mount *m = elem;
  if (oci_get_string(p, v, "destination", &m->destination, true) < 0 ||
      oci_get_string(p, v, "type", &m->type, false) < 0 ||
      oci_get_string(p, v, "source", &m->source, false) < 0 ||
      oci_get_strv(p, v, "options", &m->options, &m->options_len, false) < 0 ||
      oci_get_array(p, v, "uidMappings", sizeof(oci_id_mapping),
                    (void **)&m->uid_mappings, &m->uid_mappings_len,
                    oci_parse_id_mapping, false) < 0 ||
      oci_get_array(p, v, "gidMappings", sizeof(oci_id_mapping),
                    (void **)&m->gid_mappings, &m->gid_mappings_len,
                    oci_parse_id_mapping, false) < 0)
    return -1;
  return 0;
}

static int parse_user(oci_jp *p, yajl_val v, void *elem) {
  oci_user *u = elem;
  if (oci_get_u32(p, v, "uid", &u->uid, NULL, true) < 0 ||
      oci_get_u32(p, v, "gid", &u->gid, NULL, true) < 0 ||
      oci_get_u32(p, v, "umask", &u->umask, &u->has_umask, false) < 0 ||
      oci_get_string(p, v, "username", &u->username, false) < 0)
    return -1;
  yajl_val gids = oci_obj_get(v, "additionalGids");
  if (gids == NULL)
    return 0;
  size_t old = oci_jp_push_key(p, "additionalGids");
  int r = 0;
  if (!YAJL_IS_ARRAY(gids)) {
    r = oci_jp_fail(p, "expected an array, got %s", oci_json_kind(gids));
  } else {
    size_t n = gids->u.array.len;
    u->additional_gids = oci_xcalloc(n, sizeof *u->additional_gids);
    u->additional_gids_len = n;
    for (size_t i = 0; i < n && r == 0; i++) {
      size_t o = oci_jp_push_index(p, i);
      uint64_t gid = 0;
      r = oci_val_u64(p, gids->u.array.values[i], UINT32_MAX, &gid);
      u->additional_gids[i] = (uint32_t)gid;
      oci_jp_pop(p, o);
    }
  }
  oci_jp_pop(p, old);
  return r;
}

/* Process.user lives inside oci_process (not a pointer), so it cannot go
 * through oci_get_object. */
static int parse_user_field(oci_jp *p, yajl_val proc, oci_user *u) {
  size_t old = oci_jp_push_key(p, "user");
  yajl_val v = oci_obj_get(proc, "user");
  int r;
  if (v == NULL)
    r = oci_jp_fail(p, "required field missing");
  else
    r = oci_expect_object(p, v) < 0 ? -1 : parse_user(p, v, u);
  oci_jp_pop(p, old);
  return r;
}

static int parse_cap_set(oci_jp *p, yajl_val v, const char *key, char ***set,
                         size_t *len) {
  if (oci_get_strv(p, v, key, set, len, false) < 0)
    return -1;
  for (size_t i = 0; i < *len; i++) {
    if (oci_capability_known((*set)[i]))
      continue;
    size_t old = oci_jp_push_key(p, key);
    oci_jp_push_index(p, i);
    char *quoted = oci_quote_for_message((*set)[i]);
    oci_jp_fail(p, "unknown capability %s", quoted);
    free(quoted);
    oci_jp_pop(p, old);
    return -1;
  }
  return 0;
}

static int parse_capabilities(oci_jp *p, yajl_val v, void *elem) {
  oci_capabilities *c = elem;
  if (parse_cap_set(p, v, "bounding", &c->bounding, &c->bounding_len) < 0 ||
      parse_cap_set(p, v, "effective", &c->effective, &c->effective_len) < 0 ||
      parse_cap_set(p, v, "inheritable", &c->inheritable, &c->inheritable_len) <
          0 ||
      parse_cap_set(p, v, "permitted", &c->permitted, &c->permitted_len) < 0 ||
      parse_cap_set(p, v, "ambient", &c->ambient, &c->ambient_len) < 0)
    return -1;
  return 0;
}

static int parse_rlimit(oci_jp *p, yajl_val v, void *elem) {
  oci_rlimit *r = elem;
  if (oci_get_string(p, v, "type", &r->type, true) < 0 ||
      oci_get_u64(p, v, "hard", UINT64_MAX, &r->hard, NULL, true) < 0 ||
      oci_get_u64(p, v, "soft", UINT64_MAX, &r->soft, NULL, true) < 0)
    return -1;
  return 0;
}

static int parse_console_size(oci_jp *p, yajl_val v, oci_process *proc) {
  if (oci_get_u32(p, v, "height", &proc->console_height, NULL, true) < 0 ||
      oci_get_u32(p, v, "width", &proc->console_width, NULL, true) < 0)
    return -1;
  proc->has_console_size = true;
  return 0;
}

static int parse_io_priority(oci_jp *p, yajl_val v, oci_process *proc) {
  int64_t prio = 0;
  if (oci_get_string(p, v, "class", &proc->io_priority_class, true) < 0 ||
      oci_get_i64(p, v, "priority", INT32_MIN, INT32_MAX, &prio,
                  &proc->has_io_priority, false) < 0)
    return -1;
  proc->io_priority = (int)prio;
  return 0;
}

/* An optional object whose fields land directly in the process struct. */
static int parse_inline_object(oci_jp *p, yajl_val proc, const char *key,
                               oci_process *out,
                               int (*fn)(oci_jp *, yajl_val, oci_process *)) {
  yajl_val v = oci_obj_get(proc, key);
  if (v == NULL)
    return 0;
  size_t old = oci_jp_push_key(p, key);
  int r = oci_expect_object(p, v) < 0 ? -1 : fn(p, v, out);
  oci_jp_pop(p, old);
  return r;
}

static int parse_scheduler(oci_jp *p, yajl_val v, oci_process *proc) {
  return oci_get_string(p, v, "policy", &proc->scheduler_policy, true);
}

static int check_args_and_cwd(oci_jp *p, const oci_process *proc) {
  int r = 0;
  if (proc->args_len == 0) {
    size_t old = oci_jp_push_key(p, "args");
    r = oci_jp_fail(p, "must not be empty");
    oci_jp_pop(p, old);
  } else if (proc->cwd[0] != '/') {
    size_t old = oci_jp_push_key(p, "cwd");
    char *quoted = oci_quote_for_message(proc->cwd);
    r = oci_jp_fail(p, "must be an absolute path, got %s", quoted);
    free(quoted);
    oci_jp_pop(p, old);
  }
  return r;
}

static int parse_process_ids(oci_jp *p, yajl_val v, oci_process *proc) {
  if (oci_get_bool(p, v, "terminal", &proc->terminal) < 0 ||
      parse_inline_object(p, v, "consoleSize", proc, parse_console_size) < 0 ||
      parse_user_field(p, v, &proc->user) < 0 ||
      oci_get_strv(p, v, "args", &proc->args, &proc->args_len, true) < 0 ||
      oci_get_string(p, v, "commandLine", &proc->command_line, false) < 0 ||
      oci_get_strv(p, v, "env", &proc->env, &proc->env_len, false) < 0 ||
      oci_get_string(p, v, "cwd", &proc->cwd, true) < 0)
    return -1;
  return check_args_and_cwd(p, proc);
}

int oci_parse_process_obj(oci_jp *p, yajl_val v, void *elem) {
  oci_process *proc = elem;
  int64_t oom = 0;
  if (parse_process_ids(p, v, proc) < 0 ||
      oci_get_object(p, v, "capabilities", sizeof(oci_capabilities),
                     (void **)&proc->capabilities, parse_capabilities,
                     false) < 0 ||
      oci_get_array(p, v, "rlimits", sizeof(oci_rlimit),
                    (void **)&proc->rlimits, &proc->rlimits_len, parse_rlimit,
                    false) < 0 ||
      oci_get_bool(p, v, "noNewPrivileges", &proc->no_new_privileges) < 0 ||
      oci_get_i64(p, v, "oomScoreAdj", -1000, 1000, &oom,
                  &proc->has_oom_score_adj, false) < 0 ||
      oci_get_string(p, v, "apparmorProfile", &proc->apparmor_profile, false) <
          0 ||
      oci_get_string(p, v, "selinuxLabel", &proc->selinux_label, false) < 0 ||
      parse_inline_object(p, v, "ioPriority", proc, parse_io_priority) < 0 ||
      parse_inline_object(p, v, "scheduler", proc, parse_scheduler) < 0)
    return -1;
  proc->oom_score_adj = (int)oom;
  return 0;
}

static int parse_hook(oci_jp *p, yajl_val v, void *elem) {
  oci_hook *h = elem;
  int64_t timeout = 0;
  if (oci_get_string(p, v, "path", &h->path, true) < 0 ||
      oci_get_strv(p, v, "args", &h->args, &h->args_len, false) < 0 ||
      oci_get_strv(p, v, "env", &h->env, &h->env_len, false) < 0 ||
      oci_get_i64(p, v, "timeout", INT32_MIN, INT32_MAX, &timeout,
                  &h->has_timeout, false) < 0)
    return -1;
  if (h->has_timeout && timeout <= 0) {
    size_t old = oci_jp_push_key(p, "timeout");
    oci_jp_fail(p, "must be greater than zero, got %lld", (long long)timeout);
    oci_jp_pop(p, old);
    return -1;
  }
  h->timeout = (int)timeout;
  return 0;
}

static int parse_hook_list(oci_jp *p, yajl_val v, const char *key,
                           oci_hook **out, size_t *len) {
  return oci_get_array(p, v, key, sizeof(oci_hook), (void **)out, len,
                       parse_hook, false);
}

static int parse_hooks(oci_jp *p, yajl_val v, void *elem) {
  oci_hooks *h = elem;
  if (parse_hook_list(p, v, "prestart", &h->prestart, &h->prestart_len) < 0 ||
      parse_hook_list(p, v, "createRuntime", &h->create_runtime,
                      &h->create_runtime_len) < 0 ||
      parse_hook_list(p, v, "createContainer", &h->create_container,
                      &h->create_container_len) < 0 ||
      parse_hook_list(p, v, "startContainer", &h->start_container,
                      &h->start_container_len) < 0 ||
      parse_hook_list(p, v, "poststart", &h->poststart, &h->poststart_len) <
          0 ||
      parse_hook_list(p, v, "poststop", &h->poststop, &h->poststop_len) < 0)
    return -1;
  return 0;
}

static int parse_spec_obj(oci_jp *p, yajl_val v, oci_spec *s) {
  if (oci_get_string(p, v, "ociVersion", &s->oci_version, true) < 0 ||
      oci_get_object(p, v, "root", sizeof(oci_root), (void **)&s->root,
                     parse_root, false) < 0 ||
      oci_get_array(p, v, "mounts", sizeof(oci_mount), (void **)&s->mounts,
                    &s->mounts_len, parse_mount, false) < 0 ||
      oci_get_object(p, v, "process", sizeof(oci_process), (void **)&s->process,
                     oci_parse_process_obj, false) < 0 ||
      oci_get_string(p, v, "hostname", &s->hostname, false) < 0 ||
      oci_get_string(p, v, "domainname", &s->domainname, false) < 0 ||
      oci_get_object(p, v, "hooks", sizeof(oci_hooks), (void **)&s->hooks,
                     parse_hooks, false) < 0 ||
      oci_get_kv(p, v, "annotations", &s->annotations, &s->annotations_len) <
          0 ||
      oci_get_object(p, v, "linux", sizeof(oci_linux), (void **)&s->linux_,
                     oci_parse_linux_obj, false) < 0)
    return -1;
  return 0;
}

/* Shared driver: parse text, check the top is an object, run fn on a zeroed
 * `size`-byte result, and free it with free_fn on failure. */
static void *parse_document(const char *json, size_t len, size_t size,
                            oci_elem_fn fn, void (*free_fn)(void *),
                            oci_parse_error *err, const char *prefix) {
  oci_jp p = {.len = 0};
  void *out = NULL;
  yajl_val tree = oci_jp_parse_tree(&p, json, len);
  if (tree != NULL && !YAJL_IS_OBJECT(tree)) {
    oci_jp_fail(&p, "expected a JSON object, got %s", oci_json_kind(tree));
  } else if (tree != NULL) {
    out = oci_xcalloc(1, size);
    if (fn(&p, tree, out) < 0) {
      if (p.err == NULL) /* every failure path names itself; be safe */
        oci_jp_fail(&p, "invalid document");
      free_fn(out);
      out = NULL;
    }
  }
  yajl_tree_free(tree);
  oci_jp_finish(&p, err, prefix);
  return out;
}

static int spec_fn(oci_jp *p, yajl_val v, void *elem) {
  return parse_spec_obj(p, v, elem);
}
static void spec_free_fn(void *s) {
  oci_spec_free(s);
}
static void process_free_fn(void *s) {
  oci_process_free(s);
}
static void resources_free_fn(void *s) {
  oci_resources_free(s);
}

oci_spec *oci_spec_parse(const char *json, size_t len, oci_parse_error *err) {
  return parse_document(json, len, sizeof(oci_spec), spec_fn, spec_free_fn, err,
                        NULL);
}

oci_process *oci_process_parse(const char *json, size_t len,
                               oci_parse_error *err) {
  return parse_document(json, len, sizeof(oci_process), oci_parse_process_obj,
                        process_free_fn, err, NULL);
}

oci_resources *oci_resources_parse(const char *json, size_t len,
                                   oci_parse_error *err) {
  return parse_document(json, len, sizeof(oci_resources),
                        oci_parse_resources_obj, resources_free_fn, err, NULL);
}

static void set_error(oci_parse_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(oci_parse_error *err, const char *fmt, ...) {
  if (err == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    abort();
  va_end(ap);
  free(err->msg);
  err->msg = msg;
}

/* Reads at most OCI_SPEC_MAX_FILE_SIZE + 1 bytes, so a FIFO or a file that
 * grows while we read cannot make us allocate without bound. */
static char *read_limited(int fd, size_t *len, int *too_big) {
  size_t cap = 65536, n = 0;
  char *buf = oci_xmalloc(cap);
  *too_big = 0;
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (nb == NULL)
        abort();
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return NULL;
    }
    if (r == 0)
      break;
    n += (size_t)r;
    if (n > OCI_SPEC_MAX_FILE_SIZE) {
      *too_big = 1;
      free(buf);
      return NULL;
    }
  }
  *len = n;
  return buf;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash && slash[1] ? slash + 1 : path;
}

oci_spec *oci_spec_parse_file(const char *path, oci_parse_error *err) {
  const char *name = base_name(path);
  /* O_NONBLOCK: a fifo in the bundle must not hang the runtime in open(). */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    set_error(err, "%s: cannot open: %s", name, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    /* A device (/dev/zero) or fifo would never end or never start. */
    close(fd);
    set_error(err, "%s: not a regular file", name);
    return NULL;
  }
  if (st.st_size > (off_t)OCI_SPEC_MAX_FILE_SIZE) {
    close(fd);
    set_error(err, "%s: file is %lld bytes, larger than the %u MiB limit", name,
              (long long)st.st_size, OCI_SPEC_MAX_FILE_SIZE >> 20);
    return NULL;
  }
  size_t len = 0;
  int too_big = 0;
  char *buf = read_limited(fd, &len, &too_big);
  int saved = errno;
  close(fd);
  if (buf == NULL) {
    if (too_big)
      set_error(err, "%s: larger than the %u MiB limit", name,
                OCI_SPEC_MAX_FILE_SIZE >> 20);
    else
      set_error(err, "%s: cannot read: %s", name, strerror(saved));
    return NULL;
  }
  oci_spec *spec = parse_document(buf, len, sizeof(oci_spec), spec_fn,
                                  spec_free_fn, err, name);
  free(buf);
  return spec;
}
