/* Commands that act on a running container through its cgroup: pause,
 * resume, ps and update. */
#define _GNU_SOURCE
#include "container-internal.h"

#include "log.h"
#include "policy.h"
#include "state-dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int open_cgroup_of(hd_opened_container *c, hd_cgroup **cg,
                          hd_error_t *err) {
  if (c->state->cgroup_path == NULL)
    return hd_error_set(err, 0, "container \"%s\" has no cgroup", c->state->id);
  return hd_cgroup_open(c->state_fd, c->state->cgroup_path, cg, err);
}

int hd_container_pause(const char *state_root, const char *id, bool pause,
                       hd_error_t *err) {
  hd_opened_container c;
  hd_cgroup *cg = NULL;
  int rc = hd_open_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    const char *want = pause ? "running" : "paused";
    if (strcmp(c.state->status, want) != 0)
      rc = hd_error_set(err, 0, "cannot %s container \"%s\": it is %s",
                        pause ? "pause" : "resume", id, c.state->status);
  }
  if (rc == 0)
    rc = open_cgroup_of(&c, &cg, err);
  if (rc == 0)
    rc = hd_cgroup_freeze(cg, pause, err);
  if (rc == 0) {
    free(c.state->status);
    c.state->status = xstrdup(pause ? "paused" : "running");
    rc = hd_state_write(c.state_fd, c.state, err);
  }
  hd_cgroup_free(cg);
  hd_opened_clear(&c);
  return rc;
}

int hd_container_pids(const char *state_root, const char *id, pid_t **pids,
                      size_t *n, hd_error_t *err) {
  hd_opened_container c;
  hd_cgroup *cg = NULL;
  *pids = NULL;
  *n = 0;
  int rc = hd_peek_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    if (strcmp(c.state->status, "stopped") == 0)
      rc = hd_error_set(err, 0, "container \"%s\" is not running", id);
  }
  if (rc == 0)
    rc = open_cgroup_of(&c, &cg, err);
  if (rc == 0)
    rc = hd_cgroup_pids(cg, pids, n, err);
  hd_cgroup_free(cg);
  hd_opened_clear(&c);
  return rc;
}

#define TAKE(field)                                                            \
  do {                                                                         \
    if (update->field) {                                                       \
      void *old_ = saved->field;                                               \
      saved->field = update->field;                                            \
      update->field = old_;                                                    \
    }                                                                          \
  } while (0)

#define TAKE_ARRAY(field)                                                      \
  do {                                                                         \
    if (update->field##_len) {                                                 \
      void *old_ = saved->field;                                               \
      size_t n_ = saved->field##_len;                                          \
      saved->field = update->field;                                            \
      saved->field##_len = update->field##_len;                                \
      update->field = old_;                                                    \
      update->field##_len = n_;                                                \
    }                                                                          \
  } while (0)

/* The saved spec keeps the latest resources, so a later update or
 * `state` starts from what is enforced now. A section the update names
 * replaces the saved one; others stay. `update` gets the old sections
 * and is freed by the caller. */
static void merge_resources(oci_resources *saved, oci_resources *update) {
  TAKE(memory);
  TAKE(cpu);
  TAKE(pids);
  TAKE(block_io);
  TAKE_ARRAY(devices);
  TAKE_ARRAY(hugepage_limits);
  TAKE_ARRAY(unified);
}

static int harden_resources(const char *policy_path,
                            const oci_resources *requested, oci_resources **out,
                            hd_error_t *err) {
  hd_policy *policy = NULL;
  hd_overrides ov = {0};
  /* The same host fact create's overlay had: which controllers a
   * unified key may name. */
  hd_host_facts *facts = hd_host_facts_new();
  cleanup_free char *controllers = hd_cgroup_v2_controllers();
  hd_host_facts_set_cgroup_v2_controllers(facts, controllers);
  int rc = hd_policy_load_site(policy_path, &policy, err);
  if (rc == 0)
    rc = hd_overlay_resources_on(requested, policy, facts, out, &ov, err);
  hd_host_facts_free(facts);
  for (size_t i = 0; rc == 0 && i < ov.len; i++)
    hd_warn("update capped by policy (%s): %s: %s -> %s", ov.items[i].rule,
            ov.items[i].field, ov.items[i].requested, ov.items[i].enforced);
  hd_overrides_clear(&ov);
  hd_policy_free(policy);
  return rc;
}

static int save_resources(hd_opened_container *c, oci_resources *applied,
                          hd_error_t *err) {
  oci_spec *spec = NULL;
  if (hd_state_read_config(c->state_fd, &spec, err) < 0)
    return -1;
  if (spec->linux_ == NULL)
    spec->linux_ = xcalloc(1, sizeof *spec->linux_);
  if (spec->linux_->resources == NULL)
    spec->linux_->resources = xcalloc(1, sizeof *spec->linux_->resources);
  merge_resources(spec->linux_->resources, applied);
  int rc = hd_state_write_config(c->state_fd, spec, err);
  oci_spec_free(spec);
  return rc;
}

int hd_container_update(const char *state_root, const char *id,
                        const char *policy_path, const oci_resources *requested,
                        hd_error_t *err) {
  hd_opened_container c;
  hd_cgroup *cg = NULL;
  oci_resources *hardened = NULL;
  int rc = hd_open_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    if (strcmp(c.state->status, "stopped") == 0)
      rc = hd_error_set(err, 0, "cannot update container \"%s\": it is stopped",
                        id);
  }
  if (rc == 0)
    rc = harden_resources(policy_path, requested, &hardened, err);
  if (rc == 0)
    rc = open_cgroup_of(&c, &cg, err);
  if (rc == 0)
    rc = hd_cgroup_apply_resources(cg, hardened, err);
  if (rc == 0)
    rc = save_resources(&c, hardened, err);
  if (rc < 0)
    hd_error_wrap(err, "update \"%s\"", id);
  oci_resources_free(hardened);
  hd_cgroup_free(cg);
  hd_opened_clear(&c);
  return rc;
}

int hd_container_stats(const char *state_root, const char *id, oci_stats *stats,
                       bool *running, hd_error_t *err) {
  hd_opened_container c;
  hd_cgroup *cg = NULL;
  int rc = hd_peek_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    *running = strcmp(c.state->status, "stopped") != 0;
    if (!*running)
      rc = hd_error_set(err, 0, "container \"%s\" is not running", id);
  }
  if (rc == 0)
    rc = open_cgroup_of(&c, &cg, err);
  if (rc == 0)
    rc = hd_cgroup_stats(cg, stats, err);
  hd_cgroup_free(cg);
  hd_opened_clear(&c);
  return rc;
}
