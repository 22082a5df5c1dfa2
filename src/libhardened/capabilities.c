/* STUB: replaced by its owner. */
#include "capabilities.h"
#include <stddef.h>
#include <errno.h>

int hd_capabilities_apply(const oci_capabilities *caps, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_capabilities_apply");
}

char **hd_capabilities_known(size_t *n) {
  return NULL;
}
