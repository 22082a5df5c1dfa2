/* Every field libocispec parses, with the one rule the overlay applies
 * to it. tests/unit/test-fields.c walks libocispec's descriptor tables
 * and fails for a parsed field without a row, or a row naming no field;
 * `hardened check --fields` prints the table. */
#ifndef HD_OVERLAY_FIELDS_H
#define HD_OVERLAY_FIELDS_H

#include "overlay-internal.h"

#include <stddef.h>

typedef enum {
  HD_FIELD_ENFORCED, /* rewritten to what the rule says, and recorded */
  HD_FIELD_CHECKED,  /* refused when outside the policy */
  HD_FIELD_REFUSED,  /* refused whenever it is given */
  HD_FIELD_PASSED,   /* used as given; `why` says why that is safe */
} hd_field_kind;

typedef struct {
  const char *path; /* "process.user.uid", "mounts[].options" */
  hd_field_kind kind;
  const char *rule; /* the override/refusal rule name; NULL for some PASSED */
  const char *why;  /* what the rule does, or why passing is safe */
} hd_field_rule;

const hd_field_rule *hd_field_rules(size_t *n);
/* The row for a path as oci_desc_walk spells it, or NULL. */
const hd_field_rule *hd_field_rule_find(const char *path);
const char *hd_field_kind_name(hd_field_kind k); /* "enforced", ... */

/* The rows the overlay applies here rather than in overlay.c: unknown
 * keys (recorded, rule "unknown-field"), fields hardened does not
 * implement (refused or recorded, rule "unsupported"). `prefix` turns a
 * document's own paths into config.json paths ("process" for exec). */
int hd_ov_fields_spec(hd_ov *c, oci_spec *s);
void hd_ov_fields_process(hd_ov *c, oci_process *p, const char *prefix);
int hd_ov_fields_resources(hd_ov *c, const oci_resources *r,
                           const char *prefix);
void hd_ov_unknown_fields(hd_ov *c, const char *prefix,
                          const oci_unknown_fields *u);

#endif
