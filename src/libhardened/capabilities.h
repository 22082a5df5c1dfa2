#ifndef HD_CAPABILITIES_H
#define HD_CAPABILITIES_H

#include "error.h"
#include "spec.h"

/* Set all five sets through libcap. Capabilities the host does not know
 * (or lacks in its bounding set) are reported, not silently dropped. */
int hd_capabilities_apply(const oci_capabilities *caps, hd_error_t *err);
/* The list of capability names this host supports (for `features`). */
char **hd_capabilities_known(size_t *n);

#endif
