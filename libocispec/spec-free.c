/* Freeing walks the whole tree through the descriptor tables; every
 * function accepts NULL and half-built structs (zeroed members), which is
 * what a failed parse leaves. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <stdlib.h>

void oci_process_clear(oci_process *p) {
  if (p == NULL)
    return;
  oci_walk_clear(&oci_process_desc, p);
  oci_unknown_fields_clear(&p->unknown);
  *p = (oci_process){0};
}

void oci_process_free(oci_process *p) {
  oci_process_clear(p);
  free(p);
}

void oci_resources_clear(oci_resources *r) {
  if (r == NULL)
    return;
  oci_walk_clear(&oci_resources_desc, r);
  oci_unknown_fields_clear(&r->unknown);
  *r = (oci_resources){0};
}

void oci_resources_free(oci_resources *r) {
  oci_resources_clear(r);
  free(r);
}

void oci_spec_free(oci_spec *spec) {
  if (spec == NULL)
    return;
  oci_walk_clear(&oci_spec_desc, spec);
  oci_unknown_fields_clear(&spec->unknown);
  free(spec);
}
