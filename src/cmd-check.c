/* hardened check: what the overlay would do to a bundle's config.json,
 * without running anything. Exit 0 when the spec can be hardened, 1 when
 * it would be refused (the refusal is the error message). */
#define _GNU_SOURCE
#include "commands.h"
#include "error.h"
#include "json-util.h"
#include "log.h"
#include "overlay-fields.h"
#include "overlay.h"
#include "policy.h"
#include "spec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_text(const hd_overrides *ov) {
  for (size_t i = 0; i < ov->len; i++)
    printf("%s: %s: %s -> %s\n", ov->items[i].rule, ov->items[i].field,
           ov->items[i].requested, ov->items[i].enforced);
}

static void print_json(const hd_overrides *ov) {
  cleanup_free char *json = oci_overrides_emit(ov->items, ov->len, false);
  printf("%s\n", json ? json : "[]");
}

/* The field-rule table, one tab-separated line per parsed field: path,
 * kind, rule ("-" when a passed field needs none), what the rule does or
 * why passing is safe. */
static int print_fields(void) {
  size_t n = 0;
  const hd_field_rule *rows = hd_field_rules(&n);
  for (size_t i = 0; i < n; i++)
    printf("%s\t%s\t%s\t%s\n", rows[i].path, hd_field_kind_name(rows[i].kind),
           rows[i].rule ? rows[i].rule : "-", rows[i].why);
  return 0;
}

/* Relative bind sources are the bundle's, as at create: look from there. */
static int load_config(const char *bundle, const char *config, oci_spec **out,
                       hd_error_t *err) {
  if (bundle && chdir(bundle) < 0)
    return hd_error_set(err, errno, "bundle %s", bundle);
  oci_parse_error perr = {0};
  *out = oci_spec_parse_file(config, &perr);
  if (*out == NULL) {
    hd_error_set(err, 0, "%s", perr.msg ? perr.msg : "config.json: invalid");
    oci_parse_error_clear(&perr);
    return -1;
  }
  return 0;
}

static int check(const hd_global_opts *g, const char *bundle,
                 const char *config, bool json) {
  cleanup_error hd_error_t err = NULL;
  oci_spec *spec = NULL, *hardened = NULL;
  hd_policy *policy = NULL;
  hd_host_facts *facts = NULL;
  hd_overrides ov = {0};
  int rc = load_config(bundle, config, &spec, &err);
  if (rc == 0)
    rc = hd_policy_load(g->policy_path, &policy, &err);
  if (rc == 0)
    rc = hd_host_facts_gather(spec, &facts, &err);
  if (rc == 0) {
    hd_host_facts_set_state_root(facts, g->root);
    rc = hd_overlay_spec(spec, policy, facts, &hardened, &ov, &err);
  }
  if (rc == 0)
    (json ? print_json : print_text)(&ov);
  hd_overrides_clear(&ov);
  oci_spec_free(hardened);
  oci_spec_free(spec);
  hd_host_facts_free(facts);
  hd_policy_free(policy);
  return rc == 0 ? 0 : cmd_fail(&err);
}

int cmd_check(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"fields", no_argument, NULL, 'F'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *bundle = NULL, *format = "text";
  bool fields = false;
  int c;
  while ((c = getopt_long(argc, argv, "+b:f:Fh", opts, NULL)) != -1) {
    switch (c) {
    case 'b':
      bundle = optarg;
      break;
    case 'f':
      format = optarg;
      break;
    case 'F':
      fields = true;
      break;
    case 'h':
      printf("usage: hardened check [--bundle DIR | CONFIG.json] "
             "[--format text|json]\n"
             "       hardened check --fields\n");
      return 0;
    default:
      return cmd_usage_error("check", "unknown option");
    }
  }
  if (fields && (bundle || optind < argc))
    return cmd_usage_error("check", "--fields takes no bundle or config");
  if (fields)
    return print_fields();
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
    return cmd_usage_error("check", "--format: expected text or json, got %s",
                           format);
  if (argc - optind > 1 || (bundle && optind < argc))
    return cmd_usage_error("check", "give a bundle or one config file");
  if (optind < argc)
    return check(g, NULL, argv[optind], strcmp(format, "json") == 0);
  return check(g, bundle ? bundle : ".", "config.json",
               strcmp(format, "json") == 0);
}
