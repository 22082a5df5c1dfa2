#ifndef HD_PROCESS_H
#define HD_PROCESS_H

#include "error.h"
#include "seccomp.h"
#include "spec.h"
#include <stdbool.h>

/* Everything the container process needs after the rootfs is in place,
 * in the order the kernel forces: rlimits, resolve the executable on the
 * container's PATH, groups/gid/uid (keeping caps across setuid),
 * capabilities (all five sets), no_new_privs, umask, cwd (verified to be
 * inside the root), fds >= 3 + preserve_fds marked close-on-exec,
 * seccomp, execve.
 *
 * `ready` is called before seccomp and the uid switch (the runtime then
 * still hears of failures on the same channel); `prepared` once all of
 * the process's setup that can fail short of execve is done (user,
 * capabilities, cwd, the executable found as the user); `wait_start`
 * blocks until `start`. Each may be NULL (exec). Returns only on
 * failure. */
typedef struct {
  const oci_process *process;
  const hd_seccomp_prog *seccomp; /* linux.seccomp, compiled; may be NULL */
  int preserve_fds;
  bool baseline_seccomp; /* also load the overlay's baseline filter */
  int (*ready)(void *data, hd_error_t *err);
  /* After user, capabilities, cwd and the executable lookup, before
   * wait_start: nothing left to fail for a bad spec but execve. */
  int (*prepared)(void *data, hd_error_t *err);
  int (*wait_start)(void *data, hd_error_t *err);
  void *data;
} hd_exec_params;
int hd_process_exec(const hd_exec_params *params, hd_error_t *err);

/* Find argv0 on PATH from the process env (the container's view). *out
 * is malloc'd. */
int hd_process_lookup_executable(const oci_process *process, char **out,
                                 hd_error_t *err);

#endif
