/* The field-rule table covers what libocispec parses, exactly: every leaf
 * of the descriptor tables (config.json, the process JSON of exec
 * --process, the resources JSON of update) has one row, and every row
 * names a parsed field. A field added to the parser without a rule fails
 * here. Also: the rows the overlay applies in overlay-fields.c. */
#include "overlay-fields.h"
#include "policy.h"
#include "spec-desc.h"
#include "spec.h"
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  bool *used;
  size_t missing;
} coverage;

static void need_row(const char *path, const oci_field *f, void *data) {
  (void)f;
  coverage *cov = data;
  size_t n = 0;
  const hd_field_rule *rows = hd_field_rules(&n);
  const hd_field_rule *r = hd_field_rule_find(path);
  if (r == NULL) {
    fprintf(stderr, "FAIL: parsed field %s has no row in overlay-fields.c\n",
            path);
    cov->missing++;
    return;
  }
  cov->used[r - rows] = true;
}

static const char *const known_rules[] = {
    "non-root",
    "no-capabilities",
    "seccomp-baseline",
    "read-only-root",
    "noexec-tmp",
    "write-xor-execute",
    "nosuid-nodev",
    "pids-limit",
    "host-namespace",
    "devices",
    "host-bind",
    "sysctl",
    "masked-paths",
    "readonly-paths",
    "mount-destination",
    "mount-type",
    "mount-propagation",
    "hooks",
    "user-namespace",
    "cgroup-path",
    "cgroup-unified",
    "recursive-mount-flags",
    "bind-source",
    "root-path",
    "supplementary-groups",
    "own-session",
    "rlimits",
    "lsm",
    "unsupported",
    "limits",
    "resources",
    "annotations",
    "personality",
};

static bool rule_known(const char *rule) {
  for (size_t i = 0; i < sizeof known_rules / sizeof known_rules[0]; i++)
    if (strcmp(known_rules[i], rule) == 0)
      return true;
  return false;
}

static void test_every_field_has_a_row(void) {
  size_t n = 0;
  const hd_field_rule *rows = hd_field_rules(&n);
  coverage cov = {.used = calloc(n, sizeof(bool))};
  oci_desc_walk(&oci_spec_desc, "", need_row, &cov);
  /* exec --process and update --resources parse the same structs: their
   * paths, prefixed as in config.json, are rows as well */
  oci_desc_walk(&oci_process_desc, "process", need_row, &cov);
  oci_desc_walk(&oci_resources_desc, "linux.resources", need_row, &cov);
  CHECK(cov.missing == 0);
  size_t twice = 0;
  for (size_t i = 0; i < n; i++) {
    if (!cov.used[i])
      fprintf(stderr, "FAIL: row %s names no parsed field\n", rows[i].path);
    CHECK(cov.used[i]);
    /* one row per field */
    for (size_t j = i + 1; j < n; j++)
      if (strcmp(rows[i].path, rows[j].path) == 0)
        twice++;
    /* a rule is named unless the field passes; a pass says why */
    CHECK(rows[i].kind == HD_FIELD_PASSED || rows[i].rule != NULL);
    CHECK(rows[i].rule == NULL || rule_known(rows[i].rule));
    CHECK(rows[i].why != NULL && rows[i].why[0] != '\0');
  }
  CHECK(twice == 0);
  free(cov.used);
}

static oci_spec *parse(const char *json) {
  oci_parse_error err = {0};
  oci_spec *s = oci_spec_parse(json, strlen(json), &err);
  if (s == NULL)
    fprintf(stderr, "parse: %s\n", err.msg);
  oci_parse_error_clear(&err);
  return s;
}

static const oci_override *find_override(const hd_overrides *ov,
                                         const char *rule, const char *field) {
  for (size_t i = 0; i < ov->len; i++)
    if (strcmp(ov->items[i].rule, rule) == 0 &&
        strcmp(ov->items[i].field, field) == 0)
      return &ov->items[i];
  return NULL;
}

/* The overlay's entry points, through the rows applied in
 * overlay-fields.c; hd_ov_* with a bare context, as the overlay calls
 * them. */
static void test_unknown_fields_recorded(void) {
  oci_spec *s = parse("{\"ociVersion\":\"1.2.0\",\"linux\":{\"netDevices\":"
                      "{},\"resources\":{\"rdma\":{}}},\"x\":\"y\"}");
  CHECK(s != NULL);
  if (s == NULL)
    return;
  hd_overrides ov = {0};
  hd_error_t err = NULL;
  hd_ov c = {.ov = &ov, .err = &err};
  CHECK(hd_ov_fields_spec(&c, s) == 0);
  const oci_override *o = find_override(&ov, "unknown-field", "x");
  CHECK(o != NULL);
  if (o) {
    CHECK_STR(o->requested, "a string");
    CHECK_STR(o->enforced, "(ignored)");
  }
  CHECK(find_override(&ov, "unknown-field", "linux.netDevices") != NULL);
  CHECK(find_override(&ov, "unknown-field", "linux.resources.rdma") != NULL);
  CHECK(ov.len == 3);
  hd_overrides_clear(&ov);
  oci_spec_free(s);

  /* capped: the kept ones and one line for the rest */
  char json[4096];
  size_t n = (size_t)snprintf(json, sizeof json, "{\"ociVersion\":\"1\"");
  for (int i = 0; i < 40; i++)
    n += (size_t)snprintf(json + n, sizeof json - n, ",\"k%d\":1", i);
  snprintf(json + n, sizeof json - n, "}");
  s = parse(json);
  CHECK(s != NULL);
  if (s) {
    hd_ov_fields_spec(&c, s);
    CHECK(ov.len == OCI_UNKNOWN_FIELDS_MAX + 1);
    CHECK(find_override(&ov, "unknown-field", "(8 more unknown keys)") != NULL);
  }
  hd_overrides_clear(&ov);
  oci_spec_free(s);

  /* exec --process and update --resources: config.json paths */
  const char *pj = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":1,"
                   "\"gid\":1,\"sid\":2}}";
  oci_process *p = oci_process_parse(pj, strlen(pj), NULL);
  CHECK(p != NULL);
  if (p)
    hd_ov_unknown_fields(&c, "process", &p->unknown);
  CHECK(find_override(&ov, "unknown-field", "process.user.sid") != NULL);
  hd_overrides_clear(&ov);
  oci_process_free(p);
}

static void test_network_refused(void) {
  hd_policy *policy = NULL;
  hd_error_t err = NULL;
  CHECK(hd_policy_load(NULL, &policy, &err) == 0);
  const char *rj = "{\"network\":{\"classID\":1048577}}";
  oci_resources *r = oci_resources_parse(rj, strlen(rj), NULL);
  CHECK(r != NULL);
  hd_overrides ov = {0};
  oci_resources *out = NULL;
  CHECK(hd_overlay_resources(r, policy, &out, &ov, &err) < 0);
  CHECK_STR((err ? err->msg : NULL),
            "refused by policy (unsupported): linux.resources.network.classID "
            "is not implemented (net_cls)");
  hd_error_free(&err);
  oci_resources_free(r);
  const char *pj = "{\"network\":{\"priorities\":[{\"name\":\"eth0\","
                   "\"priority\":1}]}}";
  r = oci_resources_parse(pj, strlen(pj), NULL);
  CHECK(hd_overlay_resources(r, policy, &out, &ov, &err) < 0);
  CHECK_STR((err ? err->msg : NULL),
            "refused by policy (unsupported): "
            "linux.resources.network.priorities is not implemented "
            "(net_prio)");
  hd_error_free(&err);
  oci_resources_free(r);
  /* an empty network object asks for nothing */
  r = oci_resources_parse("{\"network\":{}}", 14, NULL);
  CHECK(hd_overlay_resources(r, policy, &out, &ov, &err) == 0);
  oci_resources_free(out);
  oci_resources_free(r);
  hd_overrides_clear(&ov);
  hd_policy_free(policy);
}

static void test_not_applied_recorded(void) {
  oci_spec *s = parse(
      "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
      "\"user\":{\"uid\":1,\"gid\":1},\"ioPriority\":{\"class\":"
      "\"IOPRIO_CLASS_RT\",\"priority\":0},\"scheduler\":{\"policy\":"
      "\"SCHED_FIFO\"}},\"linux\":{\"personality\":{"
      "\"domain\":\"LINUX32\"}}}");
  CHECK(s != NULL);
  if (s == NULL)
    return;
  hd_overrides ov = {0};
  hd_error_t err = NULL;
  hd_ov c = {.ov = &ov, .err = &err};
  CHECK(hd_ov_fields_spec(&c, s) == 0);
  CHECK(find_override(&ov, "unsupported", "process.ioPriority.class"));
  CHECK(find_override(&ov, "unsupported", "process.scheduler.policy"));
  CHECK(find_override(&ov, "unsupported", "linux.personality.domain"));
  CHECK(s->process->io_priority_class == NULL &&
        s->process->scheduler_policy == NULL);
  CHECK_STR(s->linux_->personality->domain, "LINUX");
  /* what the overlay leaves must read back */
  char *text = oci_spec_emit(s, false);
  oci_spec *again = text ? parse(text) : NULL;
  CHECK(again != NULL);
  oci_spec_free(again);
  free(text);
  hd_overrides_clear(&ov);
  oci_spec_free(s);

  s = parse("{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"destination\":\"/a\","
            "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}]}]}");
  CHECK(s && hd_ov_fields_spec(&c, s) < 0);
  CHECK_STR((err ? err->msg : NULL),
            "refused by policy (unsupported): mounts[/a].uidMappings asks for "
            "an idmapped mount, which hardened does not implement");
  hd_error_free(&err);
  oci_spec_free(s);
}

int main(void) {
  test_every_field_has_a_row();
  test_unknown_fields_recorded();
  test_network_refused();
  test_not_applied_recorded();
  return UNIT_DONE();
}
