/* exec: run one more process inside a container. The process is built
 * from --process or from the container's own process plus the flags, is
 * hardened by the overlay exactly like a container's first process, and
 * then joins every namespace and the cgroup of the container. */
#define _GNU_SOURCE
#include "container-internal.h"

#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "policy.h"
#include "process.h"
#include "console-proxy.h"
#include "state-dir.h"
#include "terminal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROCESS_JSON_MAX (4u << 20)

static int load_process_file(const char *path, oci_process **out,
                             hd_error_t *err) {
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (hd_read_file_at(AT_FDCWD, path, PROCESS_JSON_MAX, &json, &len, err) < 0)
    return hd_error_wrap(err, "--process");
  oci_parse_error perr = {0};
  *out = oci_process_parse(json, len, &perr);
  if (*out == NULL) {
    hd_error_set(err, 0, "--process %s: %s", path,
                 perr.msg ? perr.msg : "invalid");
    oci_parse_error_clear(&perr);
    return -1;
  }
  return 0;
}

static void set_env(oci_process *p, const char *entry) {
  size_t name_len = strcspn(entry, "=");
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp(p->env[i], entry, name_len) == 0 &&
        p->env[i][name_len] == '=') {
      free(p->env[i]);
      p->env[i] = xstrdup(entry);
      return;
    }
  p->env = xrealloc(p->env, (p->env_len + 1) * sizeof *p->env);
  p->env[p->env_len++] = xstrdup(entry);
}

static int parse_id(const char *s, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (*s == '\0' || *s == '-' || *end != '\0' || errno || v > UINT32_MAX)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

static int apply_user_flag(oci_process *p, const char *user, hd_error_t *err) {
  cleanup_free char *copy = xstrdup(user);
  char *colon = strchr(copy, ':');
  if (colon)
    *colon++ = '\0';
  if (parse_id(copy, &p->user.uid) < 0 ||
      (colon && parse_id(colon, &p->user.gid) < 0))
    return hd_error_set(err, 0, "--user \"%s\": expected uid[:gid] as numbers",
                        user);
  return 0;
}

static void add_caps(char ***set, size_t *len, char **caps, size_t n) {
  *set = xrealloc(*set, (*len + n) * sizeof **set);
  for (size_t i = 0; i < n; i++)
    (*set)[(*len)++] = xstrdup(caps[i]);
}

static int apply_flags(const hd_exec_opts *o, oci_process *p, hd_error_t *err) {
  if (o->cwd) {
    free(p->cwd);
    p->cwd = xstrdup(o->cwd);
  }
  for (size_t i = 0; i < o->env_len; i++)
    set_env(p, o->env[i]);
  if (o->user && apply_user_flag(p, o->user, err) < 0)
    return -1;
  if (o->additional_gids_len) {
    free(p->user.additional_gids);
    p->user.additional_gids = xcalloc(o->additional_gids_len, sizeof(uint32_t));
    memcpy(p->user.additional_gids, o->additional_gids,
           o->additional_gids_len * sizeof(uint32_t));
    p->user.additional_gids_len = o->additional_gids_len;
  }
  if (o->caps_len) {
    if (p->capabilities == NULL)
      p->capabilities = xcalloc(1, sizeof *p->capabilities);
    oci_capabilities *c = p->capabilities;
    add_caps(&c->bounding, &c->bounding_len, o->caps, o->caps_len);
    add_caps(&c->effective, &c->effective_len, o->caps, o->caps_len);
    add_caps(&c->permitted, &c->permitted_len, o->caps, o->caps_len);
  }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->tty)
    p->terminal = true;
  return 0;
}

static int build_process(const hd_exec_opts *o, const oci_spec *spec,
                         oci_process **out, hd_error_t *err) {
  oci_process *p = NULL;
  if (o->process_path) {
    if (load_process_file(o->process_path, &p, err) < 0)
      return -1;
  } else {
    if (o->args_len == 0)
      return hd_error_set(err, 0,
                          "exec: expected a command after the container id");
    p = oci_process_dup(spec->process);
    for (size_t i = 0; i < p->args_len; i++)
      free(p->args[i]);
    free(p->args);
    p->args = xcalloc(o->args_len, sizeof *p->args);
    for (size_t i = 0; i < o->args_len; i++)
      p->args[i] = xstrdup(o->args[i]);
    p->args_len = o->args_len;
    p->terminal = false;
  }
  if (apply_flags(o, p, err) < 0) {
    oci_process_free(p);
    return -1;
  }
  *out = p;
  return 0;
}

/* Every exec'd process goes through the overlay, whatever it asked for. */
static int harden_process(const hd_exec_opts *o, oci_process *requested,
                          oci_process **out, hd_error_t *err) {
  hd_policy *policy = NULL;
  hd_overrides ov = {0};
  int rc = hd_policy_load_site(o->policy_path, &policy, err);
  if (rc == 0)
    rc = hd_overlay_process(requested, policy, out, &ov, err);
  for (size_t i = 0; rc == 0 && i < ov.len; i++)
    hd_debug("overlay %s: %s: %s -> %s", ov.items[i].rule, ov.items[i].field,
             ov.items[i].requested, ov.items[i].enforced);
  hd_overrides_clear(&ov);
  hd_policy_free(policy);
  return rc;
}

typedef struct {
  const hd_exec_opts *opts;
  const oci_spec *spec;
  const oci_process *process;
  pid_t container_pid;
  hd_cgroup *cgroup;
  hd_seccomp_prog seccomp;
  bool placed_by_clone; /* the joiner was born in the cgroup2 dir */
  int console_fd;
  int sync_runtime, sync_joiner;
} exec_ctx;

__attribute__((noreturn)) static void report_and_exit(int fd, hd_error_t *err) {
  hd_sync_send(fd, SYNC_ERROR, err && *err ? (*err)->msg : "exec failed");
  _exit(127);
}

/* The exec'd process: in every namespace of the container already. */
__attribute__((noreturn)) static void exec_child(exec_ctx *x) {
  hd_error_t err = NULL;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* Until execve we are the runtime binary inside the container's pid
   * namespace: keep /proc/PID of us out of reach. */
  prctl(PR_SET_DUMPABLE, 0);
  if (x->process->terminal &&
      hd_terminal_setup(x->console_fd, x->process, &err) < 0)
    report_and_exit(x->sync_joiner, &err);
  /* Before execve: the runtime gets the master only once we have
   * exec'd, and by then the process may have written. */
  if (x->process->terminal && x->opts->console_socket == NULL)
    hd_terminal_clear_onlcr(0);
  hd_exec_params params = {
      .process = x->process,
      .seccomp = &x->seccomp,
      .preserve_fds = x->opts->preserve_fds,
      .baseline_seccomp = true,
  };
  hd_process_exec(&params, &err);
  report_and_exit(x->sync_joiner, &err);
}

/* Joins the namespaces (pid only takes effect for children), forks the
 * exec'd process and tells the runtime its pid. */
__attribute__((noreturn)) static void joiner_main(exec_ctx *x) {
  hd_error_t err = NULL;
  hd_sync_msg go;
  close(x->sync_runtime);
  prctl(PR_SET_DUMPABLE, 0);
  if (hd_sync_recv(x->sync_joiner, &go) < 0 || go.type != SYNC_GO)
    _exit(1);
  /* Before setns: the exec'd process inherits the cgroup from us. */
  if (hd_cgroup_join_self(x->cgroup, x->placed_by_clone, &err) < 0)
    report_and_exit(x->sync_joiner, &err);
  const oci_process *p = x->process;
  if (p->has_oom_score_adj &&
      hd_oom_score_adj_apply(getpid(), p->oom_score_adj, &err) < 0)
    report_and_exit(x->sync_joiner, &err);
  if (hd_namespaces_join_process(x->container_pid, &err) < 0)
    report_and_exit(x->sync_joiner, &err);
  pid_t child = fork();
  if (child < 0) {
    hd_error_set(&err, errno, "fork");
    report_and_exit(x->sync_joiner, &err);
  }
  if (child == 0)
    exec_child(x);
  char text[32];
  snprintf(text, sizeof text, "%d", child);
  hd_sync_send(x->sync_joiner, SYNC_READY, text);
  _exit(0);
}

/* Start the joiner (it places itself in the cgroup) and learn the exec'd pid;
 * then wait for execve (the sync socket closes on exec) or an error. */
static int spawn_exec(exec_ctx *x, pid_t *out, hd_error_t *err) {
  if (hd_cgroup_prepare_join(x->cgroup, err) < 0)
    return -1;
  pid_t joiner = hd_cgroup_clone(x->cgroup, 0, &x->placed_by_clone);
  if (joiner < 0)
    return hd_error_set(err, errno, "fork");
  if (joiner == 0)
    joiner_main(x);
  close(x->sync_joiner);
  x->sync_joiner = -1;
  hd_sync_msg msg = {0};
  const char *cg_path = hd_cgroup_path(x->cgroup);
  int rc = 0;
  if (hd_sync_send(x->sync_runtime, SYNC_GO, NULL) < 0)
    rc = hd_error_set(err, errno, "starting the exec helper");
  if (rc == 0)
    rc = hd_sync_recv_unfrozen(x->sync_runtime, x->cgroup, cg_path, &msg, err);
  if (rc > 0)
    rc = hd_error_set(err, 0, "exec helper died");
  if (rc == 0 && msg.type == SYNC_ERROR)
    rc = hd_error_set(err, 0, "%s", msg.text);
  if (rc < 0) {
    kill(joiner, SIGKILL);
    hd_reap_bounded(joiner);
    return -1;
  }
  hd_reap_bounded(joiner);
  *out = (pid_t)atoi(msg.text);
  /* EOF: the socket closed on execve. */
  rc = hd_sync_recv_unfrozen(x->sync_runtime, x->cgroup, cg_path, &msg, err);
  if (rc == 0 && msg.type == SYNC_ERROR)
    rc = hd_error_set(err, 0, "%s", msg.text);
  if (rc < 0) {
    if (*out > 0) {
      kill(*out, SIGKILL);
      hd_reap_bounded(*out);
    }
    return -1;
  }
  return 0;
}

typedef struct {
  oci_spec *spec;
  oci_state *state;
  hd_cgroup *cgroup; /* opened through the state dir's ownership record */
} container_snapshot;

/* Read what exec needs, then let go of the lock: a long-running exec
 * must not block `state` or `delete` of its container. */
static int snapshot_container(const hd_exec_opts *o, container_snapshot *s,
                              hd_error_t *err) {
  hd_opened_container c;
  int rc = hd_open_container(o->state_root, o->id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    const char *st = c.state->status;
    bool paused_ok = o->ignore_paused && strcmp(st, "paused") == 0;
    if (strcmp(st, "running") != 0 && strcmp(st, "created") != 0 && !paused_ok)
      rc = hd_error_set(err, 0, "cannot exec in container \"%s\": it is %s%s",
                        o->id, st,
                        strcmp(st, "paused") == 0
                            ? " (use --ignore-paused to override)"
                            : "");
  }
  if (rc == 0)
    rc = hd_state_read_config(c.state_fd, &s->spec, err);
  if (rc == 0)
    rc = hd_cgroup_open(c.state_fd, c.state->cgroup_path, &s->cgroup, err);
  if (rc == 0)
    s->state = hd_steal_pointer(&c.state);
  hd_opened_clear(&c);
  return rc;
}

/* exec --cgroup SUB: the cgroup SUB below the container's, which must
 * exist (hd_cgroup_prepare_join opens it). As in runc, "/" is the
 * container's own cgroup, and a SUB whose ".." climbs above it is
 * refused (cgroupfs has no symlinks, so nothing else can leave it). */
static int exec_cgroup_path(const char *container_path, const char *sub,
                            char **out, hd_error_t *err) {
  if (strchr(sub, ':'))
    return hd_error_set(err, 0,
                        "exec --cgroup %s: CONTROLLER:PATH is not supported "
                        "(unsupported): give one path for every controller",
                        sub);
  cleanup_free char *copy = xstrdup(sub);
  const char *base = container_path ? container_path : "";
  size_t base_len = strlen(base);
  cleanup_free char *path = xstrdup(base);
  char *save = NULL;
  for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    if (strcmp(c, ".") == 0)
      continue;
    if (strcmp(c, "..") == 0) {
      char *slash = strrchr(path, '/');
      if (slash && (size_t)(slash - path) >= base_len)
        *slash = '\0';
      else
        return hd_error_set(err, 0,
                            "exec --cgroup %s: not below the container's "
                            "cgroup",
                            sub);
      continue;
    }
    char *longer = xasprintf("%s/%s", path, c);
    free(path);
    path = longer;
  }
  *out = hd_steal_pointer(&path);
  return 0;
}

/* exec -t without --console-socket: like run in the foreground, the pty
 * master comes back to us over a socketpair and we proxy the caller's
 * terminal to it. */
static int open_console(const hd_exec_opts *o, exec_ctx *x, int *proxy_fd,
                        hd_error_t *err) {
  if (o->console_socket) {
    x->console_fd = hd_console_socket_connect(o->console_socket, err);
    return x->console_fd < 0 ? -1 : 0;
  }
  if (o->detach)
    return hd_error_set(err, 0, "exec --tty --detach needs --console-socket");
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
    return hd_error_set(err, errno, "socketpair for the terminal");
  *proxy_fd = pair[0];
  x->console_fd = pair[1];
  return 0;
}

static int run_exec(const hd_exec_opts *o, container_snapshot *snap,
                    const oci_process *process, int *exit_status,
                    hd_error_t *err) {
  exec_ctx x = {.opts = o,
                .spec = snap->spec,
                .process = process,
                .container_pid = snap->state->pid,
                .console_fd = -1,
                .sync_runtime = -1,
                .sync_joiner = -1};
  sigset_t set;
  pid_t pid = -1;
  int sv[2];
  cleanup_close int proxy_fd = -1, master = -1;
  cleanup_free char *cgroup_path = NULL;
  if (!o->detach) {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    hd_block_forwarded_signals(&set);
  }
  const oci_linux *lnx = snap->spec->linux_;
  int rc = hd_seccomp_compile(lnx ? lnx->seccomp : NULL, HD_SECCOMP_CACHE_DIR,
                              &x.seccomp, err);
  x.cgroup = hd_steal_pointer(&snap->cgroup);
  if (rc == 0 && o->cgroup)
    rc = exec_cgroup_path(snap->state->cgroup_path, o->cgroup, &cgroup_path,
                          err);
  if (rc == 0 && cgroup_path)
    rc = hd_cgroup_descend(x.cgroup, cgroup_path, err);
  if (rc == 0 && process->terminal)
    rc = open_console(o, &x, &proxy_fd, err);
  if (rc == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    rc = hd_error_set(err, errno, "socketpair");
  if (rc == 0) {
    x.sync_runtime = sv[0];
    x.sync_joiner = sv[1];
    rc = spawn_exec(&x, &pid, err);
  }
  if (x.console_fd >= 0)
    close(x.console_fd);
  if (x.sync_runtime >= 0)
    close(x.sync_runtime);
  hd_cgroup_free(x.cgroup);
  hd_seccomp_prog_clear(&x.seccomp);
  if (rc == 0 && proxy_fd >= 0 &&
      (master = hd_console_receive_master(proxy_fd, err)) < 0)
    rc = -1;
  if (rc == 0 && o->pid_file)
    rc = hd_write_pid_file(o->pid_file, pid, err);
  *exit_status = 0;
  if (rc == 0 && !o->detach)
    *exit_status = master >= 0 ? hd_console_proxy_wait(pid, &set, master)
                               : hd_wait_forwarding(pid, &set);
  return rc;
}

int hd_container_exec(const hd_exec_opts *o, int *exit_status,
                      hd_error_t *err) {
  container_snapshot snap = {0};
  oci_process *requested = NULL, *hardened = NULL;
  int rc = snapshot_container(o, &snap, err);
  if (rc == 0)
    rc = build_process(o, snap.spec, &requested, err);
  if (rc == 0)
    rc = harden_process(o, requested, &hardened, err);
  if (rc == 0)
    rc = run_exec(o, &snap, hardened, exit_status, err);
  oci_process_free(hardened);
  oci_process_free(requested);
  oci_spec_free(snap.spec);
  oci_state_free(snap.state);
  hd_cgroup_free(snap.cgroup);
  return rc;
}
