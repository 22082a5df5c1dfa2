/* Deep copies through the descriptor tables: the overlay copies every
 * spec it hardens, so this must not go through JSON. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

static void *dup(const oci_struct_desc *d, const void *src) {
  if (src == NULL)
    return NULL;
  void *out = oci_xmemdup(src, d->size);
  oci_walk_dup(d, out, src);
  return out;
}

oci_spec *oci_spec_dup(const oci_spec *s) {
  oci_spec *d = dup(&oci_spec_desc, s);
  if (d)
    oci_unknown_fields_copy(&d->unknown, &s->unknown);
  return d;
}

oci_process *oci_process_dup(const oci_process *p) {
  oci_process *d = dup(&oci_process_desc, p);
  if (d)
    oci_unknown_fields_copy(&d->unknown, &p->unknown);
  return d;
}

oci_resources *oci_resources_dup(const oci_resources *r) {
  oci_resources *d = dup(&oci_resources_desc, r);
  if (d)
    oci_unknown_fields_copy(&d->unknown, &r->unknown);
  return d;
}
