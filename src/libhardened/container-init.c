/* The container's init, from clone until execve. It trusts the hardened
 * spec it was handed and decides no policy of its own. Any failure until
 * the process is set up (user, capabilities, cwd) goes back to the
 * runtime as a message; after that the runtime is gone and the failure
 * is printed on the container's stderr. */
#define _GNU_SOURCE
#include "container-internal.h"

#include "hooks.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "seccomp-baseline.h"
#include "state-dir.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

typedef struct {
  hd_create_ctx *ctx;
  bool ready_sent;
} init_state;

static bool wants_namespace(const oci_spec *spec, oci_namespace_type type) {
  const oci_linux *lnx = spec->linux_;
  for (size_t i = 0; lnx && i < lnx->namespaces_len; i++)
    if (lnx->namespaces[i].type == type)
      return true;
  return false;
}

static bool creates_namespace(const oci_spec *spec, oci_namespace_type type) {
  const oci_linux *lnx = spec->linux_;
  for (size_t i = 0; lnx && i < lnx->namespaces_len; i++)
    if (lnx->namespaces[i].type == type &&
        (lnx->namespaces[i].path == NULL || !lnx->namespaces[i].path[0]))
      return true;
  return false;
}

/* After the runtime wrote our id maps: become the namespace's root, and
 * root our cgroup namespace at the container's cgroup. */
static int enter_identity(hd_create_ctx *ctx, hd_error_t *err) {
  const oci_spec *spec = ctx->spec;
  if (creates_namespace(spec, OCI_NS_USER)) {
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
      return hd_error_set(err, errno,
                          "becoming root in the user namespace "
                          "(is container id 0 mapped?)");
  }
  if (creates_namespace(spec, OCI_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
    return hd_error_set(err, errno, "creating the cgroup namespace");
  if (!ctx->opts->no_new_keyring &&
      syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, ctx->opts->id) < 0 &&
      errno != ENOSYS && errno != EACCES && errno != EPERM)
    return hd_error_set(err, errno, "joining a new session keyring");
  return 0;
}

static int set_names(const oci_spec *spec, hd_error_t *err) {
  bool own_uts = wants_namespace(spec, OCI_NS_UTS);
  if ((spec->hostname || spec->domainname) && !own_uts)
    return hd_error_set(err, 0, "hostname: setting it needs a uts namespace");
  if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
    return hd_error_set(err, errno, "hostname: sethostname");
  if (spec->domainname &&
      setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
    return hd_error_set(err, errno, "domainname: setdomainname");
  return 0;
}

static bool has_runtime_hooks(const oci_spec *spec) {
  return spec->hooks &&
         (spec->hooks->prestart_len || spec->hooks->create_runtime_len);
}

static int request_runtime_hooks(hd_create_ctx *ctx, hd_error_t *err) {
  hd_sync_msg msg;
  if (hd_sync_send(ctx->sync_init, SYNC_HOOKS_REQUEST, NULL) < 0 ||
      hd_sync_recv(ctx->sync_init, &msg) < 0)
    return hd_error_set(err, 0, "lost the runtime while running hooks");
  if (msg.type != SYNC_HOOKS_DONE)
    return hd_error_set(err, 0, "%s", msg.text);
  return 0;
}

/* In each startContainer hook's child. The init is already the
 * container's user with its capabilities and no_new_privs (they come
 * before the wait for start); with no_new_privs its seccomp filters wait
 * until just before execve, so the hook loads them itself: it runs as
 * hardened as the process. Without no_new_privs they are loaded already
 * and inherited. */
static int harden_hook_child(void *data) {
  hd_create_ctx *ctx = data;
  hd_error_t err = NULL;
  int rc = 0;
  if (ctx->spec->process->no_new_privileges &&
      (hd_seccomp_prog_load(&ctx->seccomp, &err) < 0 ||
       hd_seccomp_baseline_load(&err) < 0))
    rc = -1;
  hd_error_free(&err);
  return rc;
}

/* createContainer hooks never get here: the overlay refuses them (rule
 * "hooks"), as they would run as root before pivot_root. */
static int run_container_hooks(hd_create_ctx *ctx, bool start,
                               hd_error_t *err) {
  const oci_hooks *h = ctx->spec->hooks;
  if (h == NULL || !start || h->start_container_len == 0)
    return 0;
  cleanup_free char *json = hd_hook_state_json(ctx, "created");
  return hd_hooks_run_in_container(h->start_container, h->start_container_len,
                                   "startContainer", json, harden_hook_child,
                                   ctx, err);
}

/* Mount ns, rootfs, hooks around pivot_root (which also applies the
 * sysctls, before /proc/sys turns read-only), the terminal. */
static int build_container(hd_create_ctx *ctx, hd_error_t *err) {
  const oci_spec *spec = ctx->spec;
  if (!wants_namespace(spec, OCI_NS_MOUNT))
    return hd_error_set(err, 0,
                        "linux.namespaces: a mount namespace is required");
  if (set_names(spec, err) < 0)
    return -1;
  if (hd_rootfs_prepare(spec, &ctx->sources, err) < 0)
    return -1;
  if (has_runtime_hooks(spec) && request_runtime_hooks(ctx, err) < 0)
    return -1;
  if (run_container_hooks(ctx, false, err) < 0)
    return -1;
  if (hd_rootfs_pivot_and_finish(spec, ctx->rootfs, ctx->opts->no_pivot, err) <
      0)
    return -1;
  if (spec->process->terminal) {
    if (hd_terminal_setup(ctx->console_fd, spec->process, err) < 0)
      return hd_error_wrap(err, "setting up the terminal");
    close(ctx->console_fd);
    ctx->console_fd = -1;
  }
  return 0;
}

static int signal_ready(void *data, hd_error_t *err) {
  init_state *st = data;
  if (hd_sync_send(st->ctx->sync_init, SYNC_READY, NULL) < 0)
    return hd_error_set(err, errno, "telling the runtime we are ready");
  st->ready_sent = true;
  return 0;
}

/* The rest of the setup (user, capabilities, cwd) is done: closing the
 * socket tells the runtime, which reports any failure before it. Sent
 * as a close, not a message, since a spec's seccomp filter may already
 * deny send but not close. */
static int signal_prepared(void *data, hd_error_t *err) {
  (void)err;
  init_state *st = data;
  close(st->ctx->sync_init);
  st->ctx->sync_init = -1;
  return 0;
}

/* Blocks in open() until `start` opens the fifo for reading. The byte
 * `start` waits for is written only after the startContainer hooks ran,
 * so `start` runs poststart after them (spec order), and a failing hook
 * closes the fifo unwritten, which `start` reports. */
static int wait_for_start(void *data, hd_error_t *err) {
  init_state *st = data;
  int fd = openat(st->ctx->init_dir_fd, HD_EXEC_FIFO, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "waiting for start: opening exec.fifo");
  close(st->ctx->init_dir_fd);
  st->ctx->init_dir_fd = -1;
  if (run_container_hooks(st->ctx, true, err) < 0) {
    close(fd);
    return -1;
  }
  ssize_t n = write(fd, "0", 1);
  close(fd);
  if (n != 1)
    return hd_error_set(err, errno, "waiting for start: writing exec.fifo");
  return 0;
}

__attribute__((noreturn)) static void init_fail(init_state *st,
                                                hd_error_t *err) {
  const char *msg = err && *err ? (*err)->msg : "container init failed";
  /* Until signal_prepared the runtime still listens; a filter that
   * denies send leaves the message on stderr. */
  if (st->ctx->sync_init < 0 ||
      hd_sync_send(st->ctx->sync_init, SYNC_ERROR, msg) < 0)
    dprintf(2, "hardened: %s\n", msg);
  _exit(127);
}

void hd_init_main(hd_create_ctx *ctx) {
  init_state st = {.ctx = ctx};
  hd_error_t err = NULL;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* The runtime's lock on the state dir and its view of the state root
   * are not ours to hold. */
  close(ctx->sync_runtime);
  close(ctx->state_fd);
  close(ctx->root_fd);
  ctx->sync_runtime = ctx->state_fd = ctx->root_fd = -1;
  hd_sync_msg go;
  if (hd_sync_recv(ctx->sync_init, &go) < 0 || go.type != SYNC_GO)
    _exit(1);
  ctx->pid = (pid_t)atoi(go.text);
  if (hd_cgroup_join_self(ctx->cgroup, ctx->placed_by_clone, &err) < 0 ||
      enter_identity(ctx, &err) < 0 || build_container(ctx, &err) < 0)
    init_fail(&st, &err);
  hd_exec_params params = {
      .process = ctx->spec->process,
      .seccomp = &ctx->seccomp,
      .preserve_fds = ctx->opts->preserve_fds,
      .baseline_seccomp = true,
      .ready = signal_ready,
      .prepared = signal_prepared,
      .wait_start = wait_for_start,
      .data = &st,
  };
  hd_process_exec(&params, &err);
  init_fail(&st, &err);
}
