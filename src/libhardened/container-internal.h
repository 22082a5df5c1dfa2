/* Shared by container.c (the runtime side of create/run), container-init.c
 * (the container's init until execve) and container-ops.c. */
#ifndef HD_CONTAINER_INTERNAL_H
#define HD_CONTAINER_INTERNAL_H

#include "cgroup.h"
#include "container.h"
#include "mounts.h"
#include "overlay.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/* Runtime <-> init messages on a SOCK_SEQPACKET pair: one message each. */
enum {
  SYNC_GO = 1,        /* runtime: id maps written, cgroup joined; text=pid */
  SYNC_HOOKS_REQUEST, /* init: mounts done, run prestart+createRuntime now */
  SYNC_HOOKS_DONE,    /* runtime: they ran */
  SYNC_READY,         /* init: set up; about to wait on exec.fifo */
  SYNC_ERROR,         /* either side: text is the error */
};
typedef struct {
  uint32_t type;
  char text[4092];
} hd_sync_msg;
int hd_sync_send(int fd, uint32_t type, const char *text);
/* 0 on a message, -1 on EOF or error. */
int hd_sync_recv(int fd, hd_sync_msg *msg);
/* The same, polled: 0 on a message, 1 on EOF, -1 with *err when cg (may
 * be NULL) is found frozen meanwhile, since its processes would never
 * answer. */
int hd_sync_recv_unfrozen(int fd, const hd_cgroup *cg, const char *cgroup_path,
                          hd_sync_msg *msg, hd_error_t *err);
/* waitpid for about five seconds at most: a process in a frozen cgroup
 * does not die of SIGKILL until it is thawed. */
void hd_reap_bounded(pid_t pid);

typedef struct {
  const hd_container_opts *opts;
  oci_spec *spec; /* the hardened spec: setup trusts it as it is */
  hd_overrides overrides;
  char *bundle; /* absolute */
  char *rootfs; /* absolute, symlinks resolved */
  char *created;
  char *cgroup_path;
  hd_cgroup *cgroup;
  hd_seccomp_prog seccomp; /* linux.seccomp, compiled before the clone */
  /* the spec's binds, cloned before the clone (mounts.h) */
  hd_sources sources;
  int root_fd;  /* --root */
  int state_fd; /* the container's state dir, flock()ed by the runtime */
  int init_dir_fd; /* O_PATH to the same dir, a separate open file so the
                      init does not share the lock: its way to exec.fifo
                      after pivot_root */
  bool state_dir_made;
  int console_fd;
  bool may_proxy_console; /* foreground run: no --console-socket needed */
  int console_proxy_fd;   /* our end of the pair the init sends its pty on */
  int sync_runtime; /* runtime's end */
  int sync_init;    /* init's end */
  pid_t pid;
  uint64_t pid_start_time;
  bool placed_by_clone; /* clone3(CLONE_INTO_CGROUP) put the init there */
} hd_create_ctx;

/* start and delete for `run`, which still holds the hardened spec it
 * wrote to config.json: known (NULL: read config.json) saves parsing it
 * again for the hooks. */
int hd_container_start_known(const char *state_root, const char *id,
                             const oci_spec *known, hd_error_t *err);
int hd_container_delete_known(const char *state_root, const char *id,
                              bool force, const oci_spec *known,
                              hd_error_t *err);

/* The init: runs in the child after clone, never returns. */
__attribute__((noreturn)) void hd_init_main(hd_create_ctx *ctx);

/* A state JSON for hooks and `state`, from a context or a saved state. */
char *hd_hook_state_json(const hd_create_ctx *ctx, const char *status);

/* An opened and locked container: its state dir and saved state. */
typedef struct {
  int root_fd;
  int state_fd;
  oci_state *state;
} hd_opened_container;
int hd_open_container(const char *root, const char *id,
                      hd_opened_container *c, hd_error_t *err);
/* The same without the lock, for commands that only read (state, list,
 * ps, events) and kill: they never wait on another command. */
int hd_peek_container(const char *root, const char *id, hd_opened_container *c,
                      hd_error_t *err);
void hd_opened_clear(hd_opened_container *c);
/* Signal the process started at start_time, through a pidfd. Never
 * signals pid 0 or below: -1 with ESRCH, as for a process gone. */
int hd_signal_process(pid_t pid, uint64_t start_time, int signal);
/* Replace the saved status with the one the kernel shows now. */
void hd_refresh_status(hd_opened_container *c);

/* Current status of a saved container, from the kernel: creating,
 * created, running, paused or stopped. */
const char *hd_container_status(int state_fd, const oci_state *state);

/* The error when the container's cgroup (or a parent) is frozen: its
 * process would never run, and create or start would wait on it. */
int hd_refuse_frozen(const char *cgroup_path, hd_error_t *err);

/* Write the host pid atomically (temp file + rename), as shims expect. */
int hd_write_pid_file(const char *path, pid_t pid, hd_error_t *err);

/* Foreground waiting shared by run and exec: block the signals we
 * forward (and SIGCHLD) before the child exists, then forward them to
 * `pid` and reap until it exits. Returns its exit code (128+signal). */
void hd_block_forwarded_signals(sigset_t *set);
int hd_wait_forwarding(pid_t pid, const sigset_t *set);
int hd_wait_status_code(int status);

#endif
