/* LSM labels of the container process (rule lsm): process.apparmorProfile
 * and process.selinuxLabel, set for the next execve through the process's
 * own procfs attr files, as runc does. The overlay has already dropped
 * (and recorded) a label for an LSM the host does not run. */
#ifndef HD_LSM_H
#define HD_LSM_H

#include "error.h"
#include "spec.h"

/* Called by the process itself, before the uid switch and before
 * no_new_privs. A profile or label the host does not have fails here,
 * with the error the kernel gave. */
int hd_lsm_apply(const oci_process *p, hd_error_t *err);

#endif
