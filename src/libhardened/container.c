/* create and run, the runtime's side: load and harden the spec, prepare
 * state and cgroup, clone the init into its namespaces, and drive it
 * through setup until it waits on exec.fifo for `start`. */
#define _GNU_SOURCE
#include "container-internal.h"

#include "console-proxy.h"
#include "hooks.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "policy.h"
#include "state-dir.h"
#include "terminal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

int hd_sync_send(int fd, uint32_t type, const char *text) {
  hd_sync_msg msg = {.type = type};
  if (text)
    snprintf(msg.text, sizeof msg.text, "%s", text);
  size_t len = offsetof(hd_sync_msg, text) + strlen(msg.text) + 1;
  ssize_t n;
  do
    n = send(fd, &msg, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)len ? 0 : -1;
}

int hd_sync_recv(int fd, hd_sync_msg *msg) {
  ssize_t n;
  memset(msg, 0, sizeof *msg);
  do
    n = recv(fd, msg, sizeof *msg - 1, 0);
  while (n < 0 && errno == EINTR);
  return n >= (ssize_t)sizeof msg->type ? 0 : -1;
}

static int load_spec(const hd_container_opts *opts, oci_spec **out,
                     hd_error_t *err) {
  cleanup_free char *path = xasprintf("%s/config.json", opts->bundle);
  oci_parse_error perr = {0};
  *out = oci_spec_parse_file(path, &perr);
  if (*out == NULL) {
    hd_error_set(err, 0, "%s", perr.msg ? perr.msg : "config.json: invalid");
    oci_parse_error_clear(&perr);
    return -1;
  }
  if ((*out)->process == NULL)
    return hd_error_set(err, 0,
                        "config.json: process: required to create a container");
  if ((*out)->root == NULL || (*out)->root->path == NULL)
    return hd_error_set(err, 0,
                        "config.json: root.path: required field missing");
  return 0;
}

/* Host facts are read with the bundle as cwd: relative bind sources are
 * the bundle's (runtime-spec), and the overlay judges what they resolve
 * to. */
static int gather_facts(hd_create_ctx *ctx, const oci_spec *requested,
                        hd_host_facts **facts, hd_error_t *err) {
  cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0 || chdir(ctx->bundle) < 0)
    return hd_error_set(err, errno, "bundle %s", ctx->bundle);
  int rc = hd_host_facts_gather(requested, facts, err);
  if (fchdir(cwd) < 0 && rc == 0)
    rc = hd_error_set(err, errno, "returning to the working directory");
  if (rc == 0)
    hd_host_facts_set_state_root(*facts, ctx->opts->state_root);
  /* Resolved once, here: the overlay judges this path against the
   * policy's cgroup_parents and create makes exactly this one. */
  const oci_linux *lnx = requested->linux_;
  if (rc == 0)
    rc = hd_cgroup_resolve(lnx ? lnx->cgroups_path : NULL, ctx->opts->id,
                           ctx->opts->systemd_cgroup, &ctx->cgroup_path, err);
  if (rc == 0)
    hd_host_facts_set_cgroup_path(*facts, ctx->cgroup_path);
  return rc;
}

/* One line per override on the runtime log and in syslog (authpriv), so
 * an admin sees what a spec asked for and did not get. */
static void log_overrides(const char *id, const hd_overrides *ov) {
  /* With nothing on /dev/log, glibc would try to connect again for every
   * line (socket, connect, close each time): look once. */
  bool to_syslog = ov->len > 0 && access("/dev/log", F_OK) == 0;
  for (size_t i = 0; i < ov->len; i++) {
    const oci_override *o = &ov->items[i];
    hd_info("container %s: override (%s): %s: %s -> %s", id, o->rule, o->field,
            o->requested, o->enforced);
    if (to_syslog)
      syslog(LOG_AUTHPRIV | LOG_NOTICE,
             "container %s: override (%s): %s: %s -> %s", id, o->rule,
             o->field, o->requested, o->enforced);
  }
}

/* The overrides travel with the container as an annotation, so `state`
 * shows them; the overlay drops any org.hardened.* the spec brought. */
static void annotate_overrides(oci_spec *spec, const hd_overrides *ov) {
  char *json = oci_overrides_emit(ov->items, ov->len, false);
  spec->annotations =
      xrealloc(spec->annotations, (spec->annotations_len + 1) * sizeof(oci_kv));
  spec->annotations[spec->annotations_len++] =
      (oci_kv){.key = xstrdup("org.hardened.overrides"), .value = json};
}

/* Every spec goes through the overlay before anything is set up. */
static int harden_spec(hd_create_ctx *ctx, oci_spec *requested,
                       hd_error_t *err) {
  hd_policy *policy = NULL;
  hd_host_facts *facts = NULL;
  int rc = hd_policy_load_site(ctx->opts->policy_path, &policy, err);
  if (rc == 0)
    rc = gather_facts(ctx, requested, &facts, err);
  if (rc == 0)
    rc = hd_overlay_spec(requested, policy, facts, &ctx->spec, &ctx->overrides,
                         err);
  /* From the fds the overlay judged, while they are still open. */
  if (rc == 0)
    rc = hd_sources_prepare(ctx->spec, facts, &ctx->sources, err);
  hd_host_facts_free(facts);
  hd_policy_free(policy);
  if (rc == 0) {
    log_overrides(ctx->opts->id, &ctx->overrides);
    annotate_overrides(ctx->spec, &ctx->overrides);
  }
  return rc;
}

/* The directory the overlay judged (root-path), opened once with the host
 * facts: its real path, not a second lookup of root.path. */
static int resolve_rootfs(hd_create_ctx *ctx, hd_error_t *err) {
  if (ctx->sources.rootfs == NULL)
    return hd_error_set(err, 0, "root.path: not opened");
  ctx->rootfs = xstrdup(ctx->sources.rootfs);
  return 0;
}

static int prepare_bundle(hd_create_ctx *ctx, hd_error_t *err) {
  const hd_container_opts *opts = ctx->opts;
  if (hd_state_validate_id(opts->id, err) < 0)
    return -1;
  ctx->bundle = hd_absolute_path(opts->bundle);
  struct stat st;
  if (ctx->bundle == NULL || stat(ctx->bundle, &st) < 0)
    return hd_error_set(err, errno, "bundle %s", opts->bundle);
  if (!S_ISDIR(st.st_mode))
    return hd_error_set(err, 0, "bundle %s: not a directory", opts->bundle);
  oci_spec *requested = NULL;
  int rc = load_spec(opts, &requested, err);
  if (rc == 0)
    rc = harden_spec(ctx, requested, err);
  oci_spec_free(requested);
  if (rc == 0)
    rc = resolve_rootfs(ctx, err);
  /* Before anything exists on the host: a filter libseccomp refuses
   * leaves nothing behind. */
  const oci_linux *lnx = rc == 0 ? ctx->spec->linux_ : NULL;
  if (lnx && hd_seccomp_compile(lnx->seccomp, HD_SECCOMP_CACHE_DIR,
                                &ctx->seccomp, err) < 0)
    rc = -1;
  return rc;
}

static void fill_state(const hd_create_ctx *ctx, oci_state *s,
                       const char *status) {
  *s = (oci_state){
      .oci_version = ctx->spec->oci_version,
      .id = (char *)ctx->opts->id,
      .status = (char *)status,
      .pid = ctx->pid,
      .bundle = ctx->bundle,
      .annotations = ctx->spec->annotations,
      .annotations_len = ctx->spec->annotations_len,
      .rootfs = ctx->rootfs,
      .created = ctx->created,
      .pid_start_time = ctx->pid_start_time,
      .cgroup_path = ctx->cgroup_path,
      .systemd_cgroup = ctx->opts->systemd_cgroup,
      .overrides = ctx->overrides.items,
      .overrides_len = ctx->overrides.len,
  };
}

char *hd_hook_state_json(const hd_create_ctx *ctx, const char *status) {
  oci_state s;
  fill_state(ctx, &s, status);
  return oci_state_emit(&s, false, false);
}

static int save_state(const hd_create_ctx *ctx, const char *status,
                      hd_error_t *err) {
  oci_state s;
  fill_state(ctx, &s, status);
  return hd_state_write(ctx->state_fd, &s, err);
}

/* State dir, exec.fifo and cgroup: everything the init needs to exist. */
static int prepare_host(hd_create_ctx *ctx, hd_error_t *err) {
  const hd_container_opts *opts = ctx->opts;
  if (hd_state_root_open(opts->state_root, true, &ctx->root_fd, err) < 0)
    return -1;
  if (hd_state_dir_create(ctx->root_fd, opts->id, &ctx->state_fd, err) < 0)
    return -1;
  ctx->state_dir_made = true;
  if (hd_state_dir_lock(ctx->state_fd, opts->id, err) < 0)
    return -1;
  if (hd_state_dir_open_for_init(ctx->state_fd, &ctx->init_dir_fd, err) < 0)
    return -1;
  ctx->created = hd_now_rfc3339();
  const oci_linux *lnx = ctx->spec->linux_;
  if (opts->systemd_cgroup)
    hd_warn("--systemd-cgroup: systemd is not driven yet; using cgroupfs at %s",
            ctx->cgroup_path);
  /* Saved first so that `delete --force` can clean up after a create
   * that was killed half-way. */
  if (save_state(ctx, "creating", err) < 0)
    return -1;
  /* 0622: the init opens it for writing after it has dropped to the
   * container's user; only the runtime can read it. */
  if (mkfifoat(ctx->state_fd, HD_EXEC_FIFO, 0600) < 0 ||
      fchmodat(ctx->state_fd, HD_EXEC_FIFO, 0622, 0) < 0)
    return hd_error_set(err, errno, "creating exec.fifo");
  if (hd_cgroup_create(ctx->cgroup_path, lnx ? lnx->resources : NULL,
                       ctx->state_fd, &ctx->cgroup, err) < 0 ||
      hd_cgroup_prepare_join(ctx->cgroup, err) < 0)
    return -1;
  /* An init placed there would never run, and create would wait on it. */
  if (hd_cgroup_is_frozen(ctx->cgroup))
    return hd_refuse_frozen(ctx->cgroup_path, err);
  if (opts->console_socket) {
    ctx->console_fd = hd_console_socket_connect(opts->console_socket, err);
    if (ctx->console_fd < 0)
      return hd_error_wrap(err, "--console-socket %s", opts->console_socket);
  } else if (ctx->spec->process->terminal && ctx->may_proxy_console) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
      return hd_error_set(err, errno, "socketpair for the terminal");
    ctx->console_proxy_fd = pair[0];
    ctx->console_fd = pair[1];
  } else if (ctx->spec->process->terminal) {
    return hd_error_set(
        err, 0, "process.terminal is true but no --console-socket was given");
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return hd_error_set(err, errno, "socketpair");
  ctx->sync_runtime = sv[0];
  ctx->sync_init = sv[1];
  return 0;
}

/* clone3 into the cgroup2 dir when there is one, i.e. fork with
 * namespaces; the child places itself in the v1 hierarchies
 * (cgroup-join.c). The cgroup namespace is unshared by the init once it
 * sits in its cgroup, so that the namespace is rooted there. */
static pid_t clone_init(hd_create_ctx *ctx) {
  unsigned long flags =
      (unsigned long)hd_namespaces_clone_flags(ctx->spec->linux_) &
      ~(unsigned long)CLONE_NEWCGROUP;
  pid_t pid = hd_cgroup_clone(ctx->cgroup, flags, &ctx->placed_by_clone);
  if (pid == 0)
    hd_init_main(ctx);
  return pid;
}

/* Joining namespaces by path happens in a short-lived intermediate
 * process, so the runtime itself keeps its own namespaces and privileges
 * (hooks and cleanup run from there); the init is its child. */
static pid_t spawn_via_joiner(hd_create_ctx *ctx, hd_error_t *err) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return hd_error_set(err, errno, "socketpair");
  pid_t joiner = fork();
  if (joiner < 0) {
    close(sv[0]);
    close(sv[1]);
    return hd_error_set(err, errno, "fork");
  }
  if (joiner == 0) {
    close(sv[0]);
    hd_error_t jerr = NULL;
    char text[32];
    if (hd_namespaces_join(ctx->spec, &jerr) < 0) {
      hd_sync_send(sv[1], SYNC_ERROR, jerr->msg);
      _exit(1);
    }
    pid_t pid = clone_init(ctx);
    if (pid < 0) {
      snprintf(text, sizeof text, "clone: %s", strerror(errno));
      hd_sync_send(sv[1], SYNC_ERROR, text);
      _exit(1);
    }
    snprintf(text, sizeof text, "%d", pid);
    hd_sync_send(sv[1], SYNC_GO, text);
    _exit(0);
  }
  close(sv[1]);
  hd_sync_msg msg;
  int got = hd_sync_recv(sv[0], &msg);
  close(sv[0]);
  while (waitpid(joiner, NULL, 0) < 0 && errno == EINTR)
    ;
  if (got < 0)
    return hd_error_set(err, 0, "joining namespaces: helper process died");
  if (msg.type != SYNC_GO)
    return hd_error_set(err, 0, "%s", msg.text);
  return (pid_t)atoi(msg.text);
}

static int spawn_init(hd_create_ctx *ctx, hd_error_t *err) {
  pid_t pid;
  if (hd_namespaces_has_paths(ctx->spec->linux_))
    pid = spawn_via_joiner(ctx, err);
  else if ((pid = clone_init(ctx)) < 0)
    hd_error_set(err, errno, "clone");
  if (pid < 0)
    return -1;
  ctx->pid = pid;
  close(ctx->sync_init);
  ctx->sync_init = -1;
  /* The init has its own copies of the bind trees: ours would keep its
   * mounts referenced from the host for as long as `run` waits. */
  hd_sources_clear(&ctx->sources);
  return 0;
}

static bool has_new_userns(const oci_spec *spec) {
  return (hd_namespaces_clone_flags(spec->linux_) & CLONE_NEWUSER) != 0;
}

static int run_runtime_hooks(hd_create_ctx *ctx, hd_error_t *err) {
  const oci_hooks *h = ctx->spec->hooks;
  if (h == NULL)
    return 0;
  cleanup_free char *json = hd_hook_state_json(ctx, "creating");
  if (hd_hooks_run(h->prestart, h->prestart_len, "prestart", json, err) < 0)
    return -1;
  return hd_hooks_run(h->create_runtime, h->create_runtime_len, "createRuntime",
                      json, err);
}

int hd_refuse_frozen(const char *cgroup_path, hd_error_t *err) {
  return hd_error_set(err, 0, "container's cgroup %s is unexpectedly frozen",
                      cgroup_path);
}

int hd_sync_recv_unfrozen(int fd, const hd_cgroup *cg, const char *cgroup_path,
                          hd_sync_msg *msg, hd_error_t *err) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, 200);
    if (n < 0 && errno != EINTR)
      return hd_error_set(err, errno, "waiting on the container's process");
    if (n > 0)
      return hd_sync_recv(fd, msg) < 0 ? 1 : 0;
    if (cg && hd_cgroup_is_frozen(cg))
      return hd_refuse_frozen(cgroup_path, err);
  }
}

/* The init's next message; an init that dies closes the socket. */
static int recv_from_init(hd_create_ctx *ctx, hd_sync_msg *msg,
                          hd_error_t *err) {
  int rc = hd_sync_recv_unfrozen(ctx->sync_runtime, ctx->cgroup,
                                 ctx->cgroup_path, msg, err);
  if (rc > 0)
    return hd_error_set(err, 0, "container init exited during setup");
  return rc;
}

/* After READY the init drops to the container's user and enters its
 * cwd, then closes its end: EOF with the init alive is success, an error
 * message (or EOF with the init dead) is create's failure. */
static int await_prepared(hd_create_ctx *ctx, hd_error_t *err) {
  hd_sync_msg msg = {0};
  if (recv_from_init(ctx, &msg, err) == 0)
    return msg.type == SYNC_ERROR
               ? hd_error_set(err, 0, "%s", msg.text)
               : hd_error_set(err, 0, "container init sent an unknown message");
  if (hd_process_alive(ctx->pid, ctx->pid_start_time)) {
    hd_error_free(err);
    return 0;
  }
  return hd_error_wrap(err, "setting up the process (see its stderr)");
}

/* Place the init, then answer its requests until it is ready. */
static int drive_init(hd_create_ctx *ctx, hd_error_t *err) {
  const oci_linux *lnx = ctx->spec->linux_;
  if (has_new_userns(ctx->spec) &&
      hd_namespaces_write_id_maps(ctx->pid, lnx, err) < 0)
    return -1;
  const oci_process *p = ctx->spec->process;
  if (p->has_oom_score_adj &&
      hd_oom_score_adj_apply(ctx->pid, p->oom_score_adj, err) < 0)
    return -1;
  /* The pid reaches state.json with "created": a create killed before
   * that leaves an init that dies on its own (its sync socket closes
   * before GO, or it is in the cgroup that delete --force empties). */
  ctx->pid_start_time = hd_process_start_time(ctx->pid);
  char pidtext[32];
  snprintf(pidtext, sizeof pidtext, "%d", ctx->pid);
  if (hd_sync_send(ctx->sync_runtime, SYNC_GO, pidtext) < 0)
    return hd_error_set(err, errno, "container init exited before setup");
  for (;;) {
    hd_sync_msg msg;
    if (recv_from_init(ctx, &msg, err) < 0)
      return -1;
    switch (msg.type) {
    case SYNC_HOOKS_REQUEST: {
      int rc = run_runtime_hooks(ctx, err);
      hd_sync_send(ctx->sync_runtime, rc < 0 ? SYNC_ERROR : SYNC_HOOKS_DONE,
                   rc < 0 ? (*err)->msg : NULL);
      if (rc < 0)
        return -1;
      break;
    }
    case SYNC_READY:
      return await_prepared(ctx, err);
    case SYNC_ERROR:
      return hd_error_set(err, 0, "%s", msg.text);
    default:
      return hd_error_set(err, 0, "container init sent an unknown message");
    }
  }
}

int hd_write_pid_file(const char *path, pid_t pid, hd_error_t *err) {
  char text[32];
  int n = snprintf(text, sizeof text, "%d", pid);
  cleanup_free char *abs = hd_absolute_path(path);
  if (abs == NULL)
    return hd_error_set(err, errno, "--pid-file %s", path);
  cleanup_free char *dir = xstrdup(abs);
  char *slash = strrchr(dir, '/');
  const char *base = slash + 1;
  *slash = '\0';
  cleanup_close int dfd =
      open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return hd_error_set(err, errno, "--pid-file %s", path);
  if (hd_write_file_atomic_at(dfd, base, text, (size_t)n, 0644, err) < 0)
    return hd_error_wrap(err, "--pid-file");
  return 0;
}

/* Bounded: a process in a frozen cgroup does not die of SIGKILL until
 * it is thawed. Then it is left to whoever reaps our orphans. */
void hd_reap_bounded(pid_t pid) {
  struct timespec tick = {0, 5L * 1000 * 1000};
  for (int i = 0; i < 1000; i++) {
    pid_t got = waitpid(pid, NULL, WNOHANG);
    if (got == pid || (got < 0 && errno != EINTR))
      return;
    nanosleep(&tick, NULL);
  }
  hd_warn("process %d did not exit after SIGKILL; not waiting", pid);
}

/* Undo a failed create: nothing may be left behind. */
static void abandon_create(hd_create_ctx *ctx) {
  if (ctx->pid > 0) {
    kill(ctx->pid, SIGKILL);
    hd_reap_bounded(ctx->pid);
  }
  if (ctx->cgroup) {
    hd_error_t cerr = NULL;
    if (hd_cgroup_destroy(ctx->cgroup, &cerr) < 0) {
      hd_warn("cleaning up cgroup: %s", cerr->msg);
      hd_error_free(&cerr);
    }
  }
  if (ctx->state_dir_made) {
    hd_error_t serr = NULL;
    if (hd_state_dir_remove(ctx->root_fd, ctx->opts->id, &serr) < 0) {
      hd_warn("cleaning up state dir: %s", serr->msg);
      hd_error_free(&serr);
    }
  }
}

static void create_ctx_clear(hd_create_ctx *ctx) {
  oci_spec_free(ctx->spec);
  hd_overrides_clear(&ctx->overrides);
  free(ctx->bundle);
  free(ctx->rootfs);
  free(ctx->created);
  free(ctx->cgroup_path);
  hd_cgroup_free(ctx->cgroup);
  hd_seccomp_prog_clear(&ctx->seccomp);
  hd_sources_clear(&ctx->sources);
  const int fds[] = {ctx->root_fd,    ctx->state_fd,         ctx->init_dir_fd,
                     ctx->console_fd, ctx->console_proxy_fd, ctx->sync_runtime,
                     ctx->sync_init};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (fds[i] >= 0)
      close(fds[i]);
}

static int create_container(hd_create_ctx *ctx, hd_error_t *err) {
  int rc = prepare_bundle(ctx, err);
  if (rc == 0)
    rc = prepare_host(ctx, err);
  if (rc == 0)
    rc = spawn_init(ctx, err);
  if (rc == 0)
    rc = drive_init(ctx, err);
  if (rc == 0)
    rc = save_state(ctx, "created", err);
  if (rc == 0)
    rc = hd_state_write_config(ctx->state_fd, ctx->spec, err);
  if (rc == 0 && ctx->opts->pid_file)
    rc = hd_write_pid_file(ctx->opts->pid_file, ctx->pid, err);
  if (rc < 0)
    abandon_create(ctx);
  return rc;
}

#define CREATE_CTX_INIT(o)                                                     \
  {                                                                            \
    .opts = (o), .root_fd = -1, .state_fd = -1, .init_dir_fd = -1,             \
    .console_fd = -1, .console_proxy_fd = -1, .sync_runtime = -1,              \
    .sync_init = -1                                                            \
  }

int hd_container_create(const hd_container_opts *opts, hd_error_t *err) {
  hd_create_ctx ctx = CREATE_CTX_INIT(opts);
  int rc = create_container(&ctx, err);
  create_ctx_clear(&ctx);
  return rc;
}

/* Signals a foreground `run` or `exec` passes on to its process. */
static const int forwarded_signals[] = {SIGHUP,  SIGINT,  SIGQUIT,  SIGTERM,
                                        SIGUSR1, SIGUSR2, SIGWINCH, SIGPIPE,
                                        SIGALRM, SIGCONT, SIGTSTP};

void hd_block_forwarded_signals(sigset_t *set) {
  sigemptyset(set);
  for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0];
       i++)
    sigaddset(set, forwarded_signals[i]);
  sigaddset(set, SIGCHLD);
  sigprocmask(SIG_BLOCK, set, NULL);
}

int hd_wait_status_code(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

int hd_wait_forwarding(pid_t pid, const sigset_t *set) {
  for (;;) {
    int status;
    pid_t got;
    while ((got = waitpid(-1, &status, WNOHANG)) > 0)
      if (got == pid)
        return hd_wait_status_code(status);
    if (got < 0 && errno == ECHILD)
      return 255;
    siginfo_t info;
    int sig = sigwaitinfo(set, &info);
    if (sig > 0 && sig != SIGCHLD)
      kill(pid, sig);
  }
}

static void spec_freep(oci_spec **spec) {
  oci_spec_free(*spec);
}
#define cleanup_spec __attribute__((cleanup(spec_freep)))

int hd_container_run(const hd_container_opts *opts, int *exit_status,
                     hd_error_t *err) {
  sigset_t set;
  /* The init may be a grandchild (namespace joiner), and orphans of the
   * container must not outlive a foreground run unreaped. */
  if (!opts->detach)
    prctl(PR_SET_CHILD_SUBREAPER, 1);
  hd_block_forwarded_signals(&set);
  hd_create_ctx ctx = CREATE_CTX_INIT(opts);
  ctx.may_proxy_console = !opts->detach;
  int rc = create_container(&ctx, err);
  pid_t pid = ctx.pid;
  cleanup_close int master = -1;
  if (rc == 0 && ctx.console_proxy_fd >= 0 &&
      (master = hd_console_receive_master(ctx.console_proxy_fd, err)) < 0)
    rc = -1;
  cleanup_spec oci_spec *spec = hd_steal_pointer(&ctx.spec);
  create_ctx_clear(&ctx);
  if (rc < 0) {
    hd_error_t derr = NULL;
    if (pid > 0 && hd_container_delete_known(opts->state_root, opts->id, true,
                                             spec, &derr) < 0)
      hd_error_free(&derr);
    return -1;
  }
  if (hd_container_start_known(opts->state_root, opts->id, spec, err) < 0) {
    hd_error_t derr = NULL;
    if (hd_container_delete_known(opts->state_root, opts->id, true, spec,
                                  &derr) < 0)
      hd_error_free(&derr);
    return -1;
  }
  *exit_status = 0;
  if (opts->detach)
    return 0;
  *exit_status = master >= 0 ? hd_console_proxy_wait(pid, &set, master)
                             : hd_wait_forwarding(pid, &set);
  if (!opts->keep)
    return hd_container_delete_known(opts->state_root, opts->id, true, spec,
                                     err);
  return 0;
}
