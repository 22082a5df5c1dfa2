/* The policy file parser. yajl's event parser rather than its tree: the
 * events know where they are in the text, so every error names its line,
 * which an admin fixing a policy at 3am needs more than anything. */
#define _GNU_SOURCE
#include "policy-json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#define UID_MAX_VALID 4294967294u /* (uid_t)-1 means "no change" */

static void *must(void *p) {
  if (p == NULL)
    abort(); /* out of memory: a half-read policy must not be used */
  return p;
}

typedef enum {
  K_ID,    /* uid, gid */
  K_PIDS,  /* pids_max */
  K_SIZE,  /* tmp_size, memory_max */
  K_CPUS,  /* cpu_max */
  K_BOOL,  /* allow_host_network */
  K_PATHS, /* lists of absolute paths */
  K_DEVICE_PATTERNS,
  K_HOOK_SHAPES, /* "<absolute path> <glob> <glob> ..." */
  K_HOST_ID,  /* userns_host_min/max */
  K_ID_FLOOR, /* supplementary_gid_min */
  K_GIDS,     /* lists of gids */
  K_RLIMITS,  /* an object of name: integer or "unlimited" */
} kind;

typedef enum {
  F_UID,
  F_GID,
  F_PIDS_MAX,
  F_TMP_SIZE,
  F_MEMORY_MAX,
  F_CPU_MAX,
  F_ALLOW_HOST_NETWORK,
  F_EXEC_ALLOWED,
  F_ALLOWED_DEVICES,
  F_HOOKS_ALLOWED,
  F_FORBIDDEN_BIND_SOURCES,
  F_HOOK_ARGS,
  F_USERNS_HOST_MIN,
  F_USERNS_HOST_MAX,
  F_SUPPLEMENTARY_GID_MIN,
  F_ALLOWED_GIDS,
  F_RLIMITS,
  F_CGROUP_PARENTS,
  F__COUNT
} field_id;

static const struct field {
  const char *name;
  field_id id;
  kind kind;
  const char *expected; /* "expected <this>, got ..." */
} fields[F__COUNT] = {
    {"uid", F_UID, K_ID, "an integer from 1 to 4294967294"},
    {"gid", F_GID, K_ID, "an integer from 1 to 4294967294"},
    {"pids_max", F_PIDS_MAX, K_PIDS, "an integer from 1 to 4194304"},
    {"tmp_size", F_TMP_SIZE, K_SIZE, "a size such as \"64m\""},
    {"memory_max", F_MEMORY_MAX, K_SIZE, "a size such as \"512m\""},
    {"cpu_max", F_CPU_MAX, K_CPUS, "a number of CPUs from 0.01 to 1024"},
    {"allow_host_network", F_ALLOW_HOST_NETWORK, K_BOOL, "true or false"},
    {"exec_allowed", F_EXEC_ALLOWED, K_PATHS, "an array of absolute paths"},
    {"allowed_devices", F_ALLOWED_DEVICES, K_DEVICE_PATTERNS,
     "an array of patterns below /dev/"},
    {"hooks_allowed", F_HOOKS_ALLOWED, K_PATHS, "an array of absolute paths"},
    {"forbidden_bind_sources", F_FORBIDDEN_BIND_SOURCES, K_PATHS,
     "an array of absolute paths"},
    {"hook_args", F_HOOK_ARGS, K_HOOK_SHAPES,
     "an array of \"<absolute path> <argv glob>...\" strings"},
    {"userns_host_min", F_USERNS_HOST_MIN, K_HOST_ID,
     "an integer from 1 to 4294967294"},
    {"userns_host_max", F_USERNS_HOST_MAX, K_HOST_ID,
     "an integer from 1 to 4294967294"},
    {"supplementary_gid_min", F_SUPPLEMENTARY_GID_MIN, K_ID_FLOOR,
     "an integer from 0 to 4294967294"},
    {"allowed_gids", F_ALLOWED_GIDS, K_GIDS,
     "an array of integers from 1 to 4294967294"},
    {"rlimits", F_RLIMITS, K_RLIMITS,
     "an object of RLIMIT_ names and hard caps"},
    {"cgroup_parents", F_CGROUP_PARENTS, K_PATHS,
     "an array of absolute cgroup paths or patterns"},
};

typedef struct {
  yajl_handle h;
  const char *text;
  oci_policy_file *out;
  int depth; /* 0 outside, 1 in the top object, 2 in a list, 3 in rlimits */
  const struct field *field;
  size_t index;
  unsigned seen;
  char *err;
} parser;

static unsigned current_line(const parser *p) {
  size_t end = yajl_get_bytes_consumed(p->h);
  unsigned line = 1;
  for (size_t i = 0; i < end; i++)
    line += p->text[i] == '\n';
  return line;
}

/* Records the first error with its line and the key it is about; returns 0
 * so a callback can `return fail(...)` and stop yajl. */
static int fail(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(parser *p, const char *fmt, ...) {
  if (p->err)
    return 0;
  char *what = NULL;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&what, fmt, ap) < 0)
    abort();
  va_end(ap);
  char *where = NULL;
  if (p->field && p->depth == 3 && p->out->rlimits_len > p->index)
    (void)!asprintf(&where, "%s.%s: ", p->field->name,
                    p->out->rlimits[p->index].name);
  else if (p->field && p->depth == 2)
    (void)!asprintf(&where, "%s[%zu]: ", p->field->name, p->index);
  else if (p->field)
    (void)!asprintf(&where, "%s: ", p->field->name);
  if (asprintf(&p->err, "line %u: %s%s", current_line(p), where ? where : "",
               what) < 0)
    abort();
  free(where);
  free(what);
  return 0;
}

static int wrong_type(parser *p, const char *got) {
  if (p->depth == 0)
    return fail(p, "expected an object, got %s", got);
  if (p->field == NULL)
    return fail(p, "expected a key, got %s", got);
  if (p->depth == 2)
    return fail(p, "expected %s, got %s",
                p->field->kind == K_GIDS ? "an integer" : "a string", got);
  return fail(p, "expected %s, got %s", p->field->expected, got);
}

/* After a scalar value at depth 1, the next event is a key. */
static int value_done(parser *p) {
  if (p->depth == 1)
    p->field = NULL;
  else
    p->index++;
  return 1;
}

int oci_policy_parse_size(const char *s, uint64_t *out) {
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0)
    return -1;
  unsigned shift = 0;
  switch (*end) {
  case 't':
  case 'T':
    shift = 40;
    break;
  case 'g':
  case 'G':
    shift = 30;
    break;
  case 'm':
  case 'M':
    shift = 20;
    break;
  case 'k':
  case 'K':
    shift = 10;
    break;
  case '\0':
    break;
  default:
    return -1;
  }
  if (*end != '\0' && end[1] != '\0')
    return -1;
  if (v == 0 || (shift && v > (UINT64_MAX >> shift)))
    return -1;
  *out = (uint64_t)v << shift;
  return 0;
}

static int parse_integer(const char *s, size_t len, int64_t *out) {
  char buf[32];
  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  char *end = NULL;
  errno = 0;
  long long v = strtoll(buf, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

static int set_id(parser *p, const char *s, size_t len) {
  int64_t v;
  if (parse_integer(s, len, &v) < 0 || v < 0 || v > (int64_t)UID_MAX_VALID)
    return fail(p, "expected %s, got %.*s", p->field->expected, (int)len, s);
  if (v == 0)
    return fail(p, "0 is root, and no policy can make a container root");
  if (p->field->id == F_UID) {
    p->out->has_uid = true;
    p->out->uid = (uint32_t)v;
  } else {
    p->out->has_gid = true;
    p->out->gid = (uint32_t)v;
  }
  return value_done(p);
}

/* Host ids of a user namespace map and the supplementary group floor. 0
 * is root: a floor may be 0 (nothing dropped but root, which non-root
 * drops anyway), a host id never. */
static int set_host_id(parser *p, const char *s, size_t len) {
  int64_t v;
  int64_t least = p->field->kind == K_ID_FLOOR ? 0 : 1;
  if (parse_integer(s, len, &v) < 0 || v < least || v > (int64_t)UID_MAX_VALID)
    return fail(p, "expected %s, got %.*s", p->field->expected, (int)len, s);
  oci_policy_file *o = p->out;
  switch (p->field->id) {
  case F_USERNS_HOST_MIN:
    o->has_userns_host_min = true;
    o->userns_host_min = (uint32_t)v;
    break;
  case F_USERNS_HOST_MAX:
    o->has_userns_host_max = true;
    o->userns_host_max = (uint32_t)v;
    break;
  default:
    o->has_supplementary_gid_min = true;
    o->supplementary_gid_min = (uint32_t)v;
    break;
  }
  return value_done(p);
}

static int add_gid(parser *p, const char *s, size_t len) {
  int64_t v;
  if (parse_integer(s, len, &v) < 0 || v < 1 || v > (int64_t)UID_MAX_VALID)
    return fail(p, "expected a gid from 1 to 4294967294, got %.*s", (int)len,
                s);
  oci_policy_file *o = p->out;
  o->allowed_gids = must(
      realloc(o->allowed_gids, (o->allowed_gids_len + 1) * sizeof(uint32_t)));
  o->allowed_gids[o->allowed_gids_len++] = (uint32_t)v;
  return value_done(p);
}

/* In the rlimits object: p->index is the entry its last key added. */
static int rlimit_key(parser *p, const unsigned char *key, size_t len) {
  oci_policy_file *o = p->out;
  char *name = must(strndup((const char *)key, len));
  for (size_t i = 0; i < o->rlimits_len; i++)
    if (strcmp(o->rlimits[i].name, name) == 0) {
      p->index = i;
      fail(p, "given twice");
      free(name);
      return 0;
    }
  o->rlimits =
      must(realloc(o->rlimits, (o->rlimits_len + 1) * sizeof *o->rlimits));
  o->rlimits[o->rlimits_len] = (oci_policy_rlimit){.name = name};
  p->index = o->rlimits_len++;
  if (strncmp(name, "RLIMIT_", 7) != 0 || strlen(name) != len)
    return fail(p, "expected an RLIMIT_ name");
  return 1;
}

static int rlimit_value(parser *p, const char *s, size_t len, bool quoted) {
  int64_t v = -1;
  if (quoted && len == 9 && memcmp(s, "unlimited", 9) == 0) {
    p->out->rlimits[p->index].max = OCI_POLICY_UNLIMITED;
    return 1;
  }
  if (quoted || parse_integer(s, len, &v) < 0 || v < 0)
    return fail(p, "expected an integer from 0 or \"unlimited\", got %s%.*s%s",
                quoted ? "\"" : "", (int)len, s, quoted ? "\"" : "");
  p->out->rlimits[p->index].max = (uint64_t)v;
  return 1;
}

static int set_pids(parser *p, const char *s, size_t len) {
  int64_t v;
  if (parse_integer(s, len, &v) < 0 || v < 1 || v > OCI_POLICY_PIDS_MAX_LIMIT)
    return fail(p, "expected %s, got %.*s", p->field->expected, (int)len, s);
  p->out->has_pids_max = true;
  p->out->pids_max = v;
  return value_done(p);
}

static int set_size(parser *p, const char *s, size_t len, bool quoted) {
  char *text = must(strndup(s, len));
  uint64_t v;
  if (oci_policy_parse_size(text, &v) < 0) {
    fail(p, quoted ? "expected %s, got \"%s\"" : "expected %s, got %s",
         p->field->expected, text);
    free(text);
    return 0;
  }
  if (p->field->id == F_TMP_SIZE) {
    p->out->has_tmp_size = true;
    p->out->tmp_size = v;
    free(p->out->tmp_size_text);
    p->out->tmp_size_text = text;
  } else {
    p->out->has_memory_max = true;
    p->out->memory_max = v;
    free(text);
  }
  return value_done(p);
}

static int set_cpus(parser *p, const char *s, size_t len) {
  char buf[64];
  double cpus = 0;
  char *end = NULL;
  if (len < sizeof buf) {
    memcpy(buf, s, len);
    buf[len] = '\0';
    cpus = strtod(buf, &end);
  }
  if (end == NULL || *end != '\0' || !(cpus >= 0.01 && cpus <= 1024))
    return fail(p, "expected %s, got %.*s", p->field->expected, (int)len, s);
  p->out->has_cpu_max = true;
  p->out->cpu_max_quota = (uint64_t)(cpus * 100000.0 + 0.5);
  return value_done(p);
}

static int on_number(void *ctx, const char *s, size_t len) {
  parser *p = ctx;
  if (p->depth == 3)
    return rlimit_value(p, s, len, false);
  if (p->depth == 2 && p->field && p->field->kind == K_GIDS)
    return add_gid(p, s, len);
  if (p->depth != 1 || p->field == NULL)
    return wrong_type(p, "a number");
  switch (p->field->kind) {
  case K_HOST_ID:
  case K_ID_FLOOR:
    return set_host_id(p, s, len);
  case K_ID:
    return set_id(p, s, len);
  case K_PIDS:
    return set_pids(p, s, len);
  case K_SIZE:
    return set_size(p, s, len, false);
  case K_CPUS:
    return set_cpus(p, s, len);
  default:
    return wrong_type(p, "a number");
  }
}

static int on_bool(void *ctx, int value) {
  parser *p = ctx;
  if (p->depth != 1 || p->field == NULL || p->field->kind != K_BOOL)
    return wrong_type(p, "a boolean");
  p->out->has_allow_host_network = true;
  p->out->allow_host_network = value != 0;
  return value_done(p);
}

static int on_null(void *ctx) {
  return wrong_type(ctx, "null");
}

/* Absolute and already clean: no "//", "/./", "/../" or trailing "/", so
 * the overlay can compare paths as strings. */
static bool clean_absolute(const char *s) {
  if (s[0] != '/')
    return false;
  if (s[1] == '\0')
    return true;
  for (const char *c = s; *c; c++) {
    if (*c != '/')
      continue;
    const char *next = c + 1;
    size_t n = strcspn(next, "/");
    if (n == 0 || (n == 1 && next[0] == '.') ||
        (n == 2 && next[0] == '.' && next[1] == '.'))
      return false;
  }
  return true;
}

/* a is b, or an ancestor of b, or below b. */
static bool related(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (strcmp(a, "/") == 0)
    return true;
  if (la <= lb)
    return strncmp(a, b, la) == 0 && (b[la] == '/' || b[la] == '\0');
  return strncmp(a, b, lb) == 0 && a[lb] == '/';
}

static const char *const noexec_tmp_dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};

static int check_list_item(parser *p, const char *s) {
  if (p->field->kind == K_DEVICE_PATTERNS) {
    if (strncmp(s, "/dev/", 5) != 0 || strstr(s, "..") != NULL)
      return fail(p, "expected a pattern below /dev/, got \"%s\"", s);
    return 1;
  }
  if (p->field->kind == K_HOOK_SHAPES) {
    if (s[0] != '/' || strchr(s, ' ') == NULL || strstr(s, "  ") != NULL)
      return fail(p,
                  "expected \"<absolute path> <argv[0] glob> ...\" with "
                  "single spaces, got \"%s\"",
                  s);
    return 1;
  }
  if (!clean_absolute(s))
    return fail(p, "expected a clean absolute path, got \"%s\"", s);
  if (p->field->id != F_EXEC_ALLOWED)
    return 1;
  for (size_t i = 0; i < 3; i++)
    if (related(s, noexec_tmp_dirs[i]))
      return fail(p,
                  "\"%s\" would let %s run programs, and noexec %s is an "
                  "invariant no policy can relax",
                  s, noexec_tmp_dirs[i], noexec_tmp_dirs[i]);
  return 1;
}

static int add_list_item(parser *p, char *s) {
  if (!check_list_item(p, s)) {
    free(s);
    return 0;
  }
  char ***v;
  size_t *n;
  oci_policy_file *o = p->out;
  switch (p->field->id) {
  case F_EXEC_ALLOWED:
    v = &o->exec_allowed, n = &o->exec_allowed_len;
    break;
  case F_ALLOWED_DEVICES:
    v = &o->allowed_devices, n = &o->allowed_devices_len;
    break;
  case F_HOOKS_ALLOWED:
    v = &o->hooks_allowed, n = &o->hooks_allowed_len;
    break;
  case F_HOOK_ARGS:
    v = &o->hook_args, n = &o->hook_args_len;
    break;
  case F_CGROUP_PARENTS:
    v = &o->cgroup_parents, n = &o->cgroup_parents_len;
    break;
  default:
    v = &o->forbidden_bind_sources, n = &o->forbidden_bind_sources_len;
    break;
  }
  *v = must(realloc(*v, (*n + 1) * sizeof **v));
  (*v)[(*n)++] = s;
  return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len) {
  parser *p = ctx;
  if (p->depth == 3)
    return rlimit_value(p, (const char *)s, len, true);
  if (p->depth == 1 && p->field && p->field->kind == K_SIZE)
    return set_size(p, (const char *)s, len, true);
  if (p->depth != 2 || p->field->kind == K_GIDS)
    return wrong_type(p, "a string");
  if (memchr(s, '\0', len))
    return fail(p, "contains a NUL byte");
  char *str = must(strndup((const char *)s, len));
  int rc = add_list_item(p, str);
  return rc ? value_done(p) : 0;
}

static int on_start_map(void *ctx) {
  parser *p = ctx;
  if (p->depth == 1 && p->field && p->field->kind == K_RLIMITS) {
    p->depth = 3;
    return 1;
  }
  if (p->depth != 0)
    return wrong_type(p, "an object");
  p->depth = 1;
  return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len) {
  parser *p = ctx;
  if (p->depth == 3)
    return rlimit_key(p, key, len);
  p->field = NULL;
  for (size_t i = 0; i < F__COUNT; i++)
    if (strlen(fields[i].name) == len && memcmp(fields[i].name, key, len) == 0)
      p->field = &fields[i];
  if (p->field == NULL)
    return fail(p, "unknown key \"%.*s\"", (int)len, (const char *)key);
  if (p->seen & (1u << p->field->id))
    return fail(p, "given twice");
  p->seen |= 1u << p->field->id;
  return 1;
}

static int on_end_map(void *ctx) {
  parser *p = ctx;
  if (p->depth == 3) {
    p->depth = 1;
    p->field = NULL;
    return 1;
  }
  p->depth = 0;
  return 1;
}

static int on_start_array(void *ctx) {
  parser *p = ctx;
  if (p->depth != 1 || p->field == NULL ||
      (p->field->kind != K_PATHS && p->field->kind != K_DEVICE_PATTERNS &&
       p->field->kind != K_HOOK_SHAPES && p->field->kind != K_GIDS))
    return wrong_type(p, "an array");
  p->depth = 2;
  p->index = 0;
  if (p->field->id == F_HOOKS_ALLOWED)
    p->out->has_hooks_allowed = true;
  if (p->field->id == F_CGROUP_PARENTS)
    p->out->has_cgroup_parents = true;
  return 1;
}

static int on_end_array(void *ctx) {
  parser *p = ctx;
  p->depth = 1;
  p->field = NULL;
  return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

static void syntax_error(parser *p, const char *json, size_t len) {
  unsigned char *yerr =
      yajl_get_error(p->h, 0, (const unsigned char *)json, len);
  char *msg = yerr ? (char *)yerr : "syntax error";
  size_t n = strcspn(msg, "\n");
  p->field = NULL;
  fail(p, "invalid JSON: %.*s", (int)n, msg);
  if (yerr)
    yajl_free_error(p->h, yerr);
}

oci_policy_file *oci_policy_parse(const char *json, size_t len,
                                  oci_parse_error *err) {
  parser p = {.text = json, .out = must(calloc(1, sizeof(oci_policy_file)))};
  p.h = must(yajl_alloc(&callbacks, NULL, &p));
  yajl_config(p.h, yajl_allow_comments, 1);
  yajl_status st = yajl_parse(p.h, (const unsigned char *)json, len);
  if (st == yajl_status_ok)
    st = yajl_complete_parse(p.h);
  if (st == yajl_status_error)
    syntax_error(&p, json, len);
  else if (st == yajl_status_ok && p.seen == 0 && p.depth == 0 && !p.err &&
           memchr(json, '{', len) == NULL)
    fail(&p, "expected an object");
  yajl_free(p.h);
  if (p.err == NULL)
    return p.out;
  if (err)
    err->msg = p.err;
  else
    free(p.err);
  oci_policy_file_free(p.out);
  return NULL;
}

static void strv_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void oci_policy_file_free(oci_policy_file *p) {
  if (p == NULL)
    return;
  free(p->tmp_size_text);
  strv_free(p->exec_allowed, p->exec_allowed_len);
  strv_free(p->allowed_devices, p->allowed_devices_len);
  strv_free(p->hooks_allowed, p->hooks_allowed_len);
  strv_free(p->hook_args, p->hook_args_len);
  strv_free(p->forbidden_bind_sources, p->forbidden_bind_sources_len);
  free(p->allowed_gids);
  for (size_t i = 0; i < p->rlimits_len; i++)
    free(p->rlimits[i].name);
  free(p->rlimits);
  strv_free(p->cgroup_parents, p->cgroup_parents_len);
  free(p);
}
