/* STUB: being written. */
#include "container.h"
#include <errno.h>
int hd_container_create(const hd_container_opts *opts, hd_error_t *err) { return hd_error_set(err, ENOSYS, "create"); }
int hd_container_start(const char *r, const char *id, hd_error_t *err) { return hd_error_set(err, ENOSYS, "start"); }
int hd_container_run(const hd_container_opts *opts, int *st, hd_error_t *err) { return hd_error_set(err, ENOSYS, "run"); }
int hd_container_state(const char *r, const char *id, char **json, hd_error_t *err) { return hd_error_set(err, ENOSYS, "state"); }
int hd_container_kill(const char *r, const char *id, int s, bool a, hd_error_t *err) { return hd_error_set(err, ENOSYS, "kill"); }
int hd_container_delete(const char *r, const char *id, bool f, hd_error_t *err) { return hd_error_set(err, ENOSYS, "delete"); }
int hd_container_list(const char *r, oci_state ***s, size_t *n, hd_error_t *err) { return hd_error_set(err, ENOSYS, "list"); }
