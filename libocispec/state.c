/* The OCI state document, plus hardened's private record of it.
 *
 * The public form is what `hardened state` prints: the OCI fields and
 * runc's extras (rootfs, created, owner), which containerd reads. The
 * private form nests everything else under "hardened", so a reader that
 * knows only the OCI document can still read a state file. */
#define OCI_JSON_INTERNAL
#include "state.h"
#include "json-util.h"

#include <stdlib.h>

static void gen_override_array(yajl_gen g, const oci_override *o, size_t n) {
  yajl_gen_array_open(g);
  for (size_t i = 0; o && i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_str(g, "rule", o[i].rule);
    oci_gen_key_str(g, "field", o[i].field);
    oci_gen_key_str(g, "requested", o[i].requested);
    oci_gen_key_str(g, "enforced", o[i].enforced);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_overrides(yajl_gen g, const oci_override *o, size_t n) {
  oci_gen_str(g, "overrides");
  gen_override_array(g, o, n);
}

char *oci_overrides_emit(const oci_override *o, size_t n, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  gen_override_array(g, o, n);
  return oci_gen_finish(g);
}

static void gen_private(yajl_gen g, const oci_state *s) {
  oci_gen_str(g, "hardened");
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "pid_start_time", s->pid_start_time);
  oci_gen_key_str(g, "cgroup_path", s->cgroup_path);
  oci_gen_key_bool(g, "systemd_cgroup", s->systemd_cgroup);
  gen_overrides(g, s->overrides, s->overrides_len);
  yajl_gen_map_close(g);
}

static void gen_state(yajl_gen g, const oci_state *s, bool with_private) {
  yajl_gen_map_open(g);
  oci_gen_key_str(g, "ociVersion", s->oci_version);
  oci_gen_key_str(g, "id", s->id);
  oci_gen_key_str(g, "status", s->status);
  oci_gen_key_i64(g, "pid", s->pid);
  oci_gen_key_str(g, "bundle", s->bundle);
  oci_gen_key_str(g, "rootfs", s->rootfs);
  oci_gen_key_str(g, "created", s->created);
  /* runc prints "" for a container root owns; callers expect the key. */
  oci_gen_key_str(g, "owner", s->owner ? s->owner : "");
  /* runc prints an annotations map even when empty; so do we, since some
   * callers index into it without checking. */
  oci_gen_str(g, "annotations");
  yajl_gen_map_open(g);
  for (size_t i = 0; s->annotations && i < s->annotations_len; i++) {
    oci_gen_str(g, s->annotations[i].key);
    oci_gen_str(g, s->annotations[i].value);
  }
  yajl_gen_map_close(g);
  if (with_private)
    gen_private(g, s);
  yajl_gen_map_close(g);
}

char *oci_state_emit(const oci_state *s, bool with_private, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  gen_state(g, s, with_private);
  return oci_gen_finish(g);
}

char *oci_state_list_emit(oci_state *const *states, size_t n, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++)
    gen_state(g, states[i], false);
  yajl_gen_array_close(g);
  return oci_gen_finish(g);
}

static int parse_override(oci_jp *p, yajl_val v, void *elem) {
  oci_override *o = elem;
  if (oci_get_string(p, v, "rule", &o->rule, true) < 0 ||
      oci_get_string(p, v, "field", &o->field, true) < 0 ||
      oci_get_string(p, v, "requested", &o->requested, false) < 0 ||
      oci_get_string(p, v, "enforced", &o->enforced, false) < 0)
    return -1;
  return 0;
}

static int parse_private(oci_jp *p, yajl_val v, void *elem) {
  oci_state *s = elem;
  if (oci_get_u64(p, v, "pid_start_time", UINT64_MAX, &s->pid_start_time, NULL,
                  false) < 0 ||
      oci_get_string(p, v, "cgroup_path", &s->cgroup_path, false) < 0 ||
      oci_get_bool(p, v, "systemd_cgroup", &s->systemd_cgroup) < 0 ||
      oci_get_array(p, v, "overrides", sizeof(oci_override),
                    (void **)&s->overrides, &s->overrides_len, parse_override,
                    false) < 0)
    return -1;
  return 0;
}

/* "hardened" fills fields of the state itself, so it is walked by hand
 * rather than through oci_get_object. */
static int parse_private_field(oci_jp *p, yajl_val v, oci_state *s) {
  yajl_val priv = oci_obj_get(v, "hardened");
  if (priv == NULL)
    return 0;
  size_t old = oci_jp_push_key(p, "hardened");
  int r = oci_expect_object(p, priv) < 0 ? -1 : parse_private(p, priv, s);
  oci_jp_pop(p, old);
  return r;
}

/* Required: ociVersion, id, status. pid may be absent (a stopped
 * container in some runtimes' output) and reads as 0. */
static int parse_state_obj(oci_jp *p, yajl_val v, oci_state *s) {
  int64_t pid = 0;
  if (oci_get_string(p, v, "ociVersion", &s->oci_version, true) < 0 ||
      oci_get_string(p, v, "id", &s->id, true) < 0 ||
      oci_get_string(p, v, "status", &s->status, true) < 0 ||
      oci_get_i64(p, v, "pid", 0, INT32_MAX, &pid, NULL, false) < 0 ||
      oci_get_string(p, v, "bundle", &s->bundle, false) < 0 ||
      oci_get_kv(p, v, "annotations", &s->annotations, &s->annotations_len) <
          0 ||
      oci_get_string(p, v, "rootfs", &s->rootfs, false) < 0 ||
      oci_get_string(p, v, "created", &s->created, false) < 0 ||
      oci_get_string(p, v, "owner", &s->owner, false) < 0 ||
      parse_private_field(p, v, s) < 0)
    return -1;
  s->pid = (int)pid;
  return 0;
}

oci_state *oci_state_parse(const char *json, size_t len, oci_parse_error *err) {
  oci_jp p = {.len = 0};
  oci_state *s = NULL;
  yajl_val tree = oci_jp_parse_tree(&p, json, len);
  if (tree != NULL && !YAJL_IS_OBJECT(tree)) {
    oci_jp_fail(&p, "expected a JSON object, got %s", oci_json_kind(tree));
  } else if (tree != NULL) {
    s = oci_xcalloc(1, sizeof *s);
    if (parse_state_obj(&p, tree, s) < 0) {
      oci_state_free(s);
      s = NULL;
    }
  }
  yajl_tree_free(tree);
  oci_jp_finish(&p, err, NULL);
  return s;
}

void oci_override_clear(oci_override *o) {
  if (o == NULL)
    return;
  free(o->rule);
  free(o->field);
  free(o->requested);
  free(o->enforced);
  *o = (oci_override){0};
}

void oci_state_free(oci_state *s) {
  if (s == NULL)
    return;
  free(s->oci_version);
  free(s->id);
  free(s->status);
  free(s->bundle);
  oci_kv_free(s->annotations, s->annotations_len);
  free(s->rootfs);
  free(s->created);
  free(s->owner);
  free(s->cgroup_path);
  for (size_t i = 0; s->overrides && i < s->overrides_len; i++)
    oci_override_clear(&s->overrides[i]);
  free(s->overrides);
  free(s);
}
