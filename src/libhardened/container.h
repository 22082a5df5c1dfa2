/* The container lifecycle: the library's public face. The CLI parses
 * flags into these options and calls one function per command. */
#ifndef HD_CONTAINER_H
#define HD_CONTAINER_H

#include "error.h"
#include "state.h"
#include "stats.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
  const char *state_root; /* --root */
  const char *id;
  const char *bundle;
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool detach; /* run -d */
  bool keep;   /* run --keep */
  bool systemd_cgroup;
  const char *policy_path; /* --policy; NULL = built-in defaults */
} hd_container_opts;

int hd_container_create(const hd_container_opts *opts, hd_error_t *err);
int hd_container_start(const char *state_root, const char *id,
                       hd_error_t *err);
/* Foreground run: *exit_status is the process's exit code, or 128+signal. */
int hd_container_run(const hd_container_opts *opts, int *exit_status,
                     hd_error_t *err);
/* OCI state JSON of one container, status refreshed from the kernel. */
int hd_container_state(const char *state_root, const char *id, char **json,
                       hd_error_t *err);
int hd_container_kill(const char *state_root, const char *id, int signal,
                      bool all, hd_error_t *err);
int hd_container_delete(const char *state_root, const char *id, bool force,
                        hd_error_t *err);
/* Every container under state_root, status refreshed. */
int hd_container_list(const char *state_root, oci_state ***states,
                      size_t *n, hd_error_t *err);

/* pause/resume: freeze or thaw the container's cgroup. */
int hd_container_pause(const char *state_root, const char *id, bool pause,
                       hd_error_t *err);
/* The host pids of every process in the container. */
int hd_container_pids(const char *state_root, const char *id, pid_t **pids,
                      size_t *n, hd_error_t *err);
/* update: new resources, through the overlay.
 * The overlay caps it (the pids limit above all) and the caps are logged. */
int hd_container_update(const char *state_root, const char *id,
                        const char *policy_path, const oci_resources *requested,
                        hd_error_t *err);

/* The container's cgroup counters, and whether it is still alive. */
int hd_container_stats(const char *state_root, const char *id,
                       oci_stats *stats, bool *running, hd_error_t *err);

/* exec: a new process in a running container. The process comes from
 * --process JSON, or from the container's own process with the flags
 * applied; either way it then goes through the overlay. */
typedef struct {
  const char *state_root;
  const char *id;
  const char *process_path; /* -p/--process */
  char **args;              /* command line after the id */
  size_t args_len;
  const char *cwd;
  char **env; /* -e, appended (and overriding by name) */
  size_t env_len;
  const char *user; /* -u uid[:gid] */
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char **caps; /* --cap, added to the process's sets */
  size_t caps_len;
  bool no_new_privs;
  bool tty;
  const char *console_socket;
  bool detach;
  const char *pid_file;
  int preserve_fds;
  /* --cgroup: a cgroup below the container's, relative to it (it must
   * exist); no ".." and no CONTROLLER:PATH form. */
  const char *cgroup;
  bool ignore_paused; /* --ignore-paused: exec into a paused container */
  const char *policy_path;
} hd_exec_opts;
int hd_container_exec(const hd_exec_opts *opts, int *exit_status,
                      hd_error_t *err);

#endif
