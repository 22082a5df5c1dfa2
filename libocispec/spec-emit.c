/* oci_spec -> JSON, one walk over the descriptor tables (spec-walk.c).
 * The unknown keys a parse collected are not part of the document and
 * are never written back. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

static char *emit(const oci_struct_desc *d, const void *base, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  oci_walk_emit(g, d, base);
  return oci_gen_finish(g);
}

char *oci_spec_emit(const oci_spec *spec, bool pretty) {
  return emit(&oci_spec_desc, spec, pretty);
}

char *oci_process_emit(const oci_process *p, bool pretty) {
  return emit(&oci_process_desc, p, pretty);
}

char *oci_resources_emit(const oci_resources *r, bool pretty) {
  return emit(&oci_resources_desc, r, pretty);
}
