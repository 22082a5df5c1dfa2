/* STUB: replaced by its owner. */
#include "process.h"
#include <stddef.h>
#include <errno.h>

int hd_process_exec(const hd_exec_params *params, hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_process_exec");
}

int hd_process_lookup_executable(const oci_process *process, char **out,
                                 hd_error_t *err) {
  return hd_error_set(err, ENOSYS, "hd_process_lookup_executable");
}
