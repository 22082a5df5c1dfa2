/* STUB: replaced by its owner. */
#include "overlay.h"
#include <errno.h>
void hd_overrides_clear(hd_overrides *ov) {}
int hd_overlay_spec(const oci_spec *in, const hd_policy *policy, const hd_host_facts *host, oci_spec **out, hd_overrides *o, hd_error_t *err) { return hd_error_set(err, ENOSYS, "overlay"); }
int hd_overlay_process(const oci_process *in, const hd_policy *policy, oci_process **out, hd_overrides *o, hd_error_t *err) { return hd_error_set(err, ENOSYS, "overlay"); }
int hd_overlay_resources(const oci_resources *in, const hd_policy *policy, oci_resources **out, hd_overrides *o, hd_error_t *err) { return hd_error_set(err, ENOSYS, "overlay"); }
