/* On-disk state: one directory per container under --root, holding
 * state.json (the OCI state plus private fields), config.json (the
 * hardened spec the container runs) and, until `start`, exec.fifo. */
#ifndef HD_STATE_DIR_H
#define HD_STATE_DIR_H

#include "error.h"
#include "spec.h"
#include "state.h"
#include <stdbool.h>

#define HD_STATE_FILE "state.json"
#define HD_CONFIG_FILE "config.json"
#define HD_EXEC_FIFO "exec.fifo"

/* An id names a directory: 1-1024 of [A-Za-z0-9_+.-], not "." or "..". */
int hd_state_validate_id(const char *id, hd_error_t *err);
/* Open (creating with mode 0700 when `create`) the state root. */
int hd_state_root_open(const char *root, bool create, int *out_fd,
                       hd_error_t *err);
/* mkdir the container's dir; "container already exists" on EEXIST. */
int hd_state_dir_create(int root_fd, const char *id, int *out_fd,
                        hd_error_t *err);
/* "container does not exist" on ENOENT. */
int hd_state_dir_open(int root_fd, const char *id, int *out_fd,
                      hd_error_t *err);
/* Exclusive lock on the container dir, held until the fd is closed, so
 * concurrent commands on one container serialize. Waits at most
 * HD_LOCK_TIMEOUT_S seconds, then fails naming the holder's pid. Commands
 * that only read take no lock: state.json and config.json are replaced
 * by rename, so a reader sees the old file or the new one. */
#define HD_LOCK_TIMEOUT_S 10
int hd_state_dir_lock(int dir_fd, const char *id, hd_error_t *err);
int hd_state_write(int dir_fd, const oci_state *state, hd_error_t *err);
int hd_state_read(int dir_fd, const char *id, oci_state **out,
                  hd_error_t *err);
int hd_state_write_config(int dir_fd, const oci_spec *spec, hd_error_t *err);
int hd_state_read_config(int dir_fd, oci_spec **out, hd_error_t *err);
/* The container init's way to exec.fifo after pivot_root: a detached,
 * read-only, nosuid/nodev/noexec copy of the container's dir, so that the
 * one host directory the init holds until `start` leads nowhere else
 * (".." at the root of a detached mount stays there). A plain O_PATH fd
 * of the dir where the kernel cannot clone mounts. state_fd: the dir, as
 * hd_state_dir_create opened it. */
int hd_state_dir_open_for_init(int state_fd, int *out_fd, hd_error_t *err);
/* Remove the dir and everything the runtime put in it. Missing is fine. */
int hd_state_dir_remove(int root_fd, const char *id, hd_error_t *err);

#endif
