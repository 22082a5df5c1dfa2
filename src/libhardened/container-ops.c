/* Commands on an existing container: start, state, kill, delete, list. */
#define _GNU_SOURCE
#include "container-internal.h"

#include "cgroup.h"
#include "hooks.h"
#include "log.h"
#include "state-dir.h"
#include "utils.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void hd_opened_clear(hd_opened_container *c) {
  if (c->state_fd >= 0)
    close(c->state_fd);
  if (c->root_fd >= 0)
    close(c->root_fd);
  oci_state_free(c->state);
}

static int open_container(const char *root, const char *id, bool lock,
                          hd_opened_container *c, hd_error_t *err) {
  *c = (hd_opened_container){.root_fd = -1, .state_fd = -1};
  if (hd_state_validate_id(id, err) < 0)
    return -1;
  if (hd_state_root_open(root, false, &c->root_fd, err) < 0) {
    if ((*err)->errno_value == ENOENT) {
      hd_error_free(err);
      return hd_error_set(err, 0, "container \"%s\" does not exist", id);
    }
    return -1;
  }
  int fd = -1;
  if (hd_state_dir_open(c->root_fd, id, &fd, err) < 0)
    return -1;
  /* state_fd stays -1 unless locked: delete --force takes an open dir
   * with no state for a leftover of a crashed create. */
  if (lock && hd_state_dir_lock(fd, id, err) < 0) {
    close(fd);
    return -1;
  }
  c->state_fd = fd;
  return hd_state_read(c->state_fd, id, &c->state, err);
}

int hd_open_container(const char *root, const char *id, hd_opened_container *c,
                      hd_error_t *err) {
  return open_container(root, id, true, c, err);
}

int hd_peek_container(const char *root, const char *id, hd_opened_container *c,
                      hd_error_t *err) {
  return open_container(root, id, false, c, err);
}

int hd_signal_process(pid_t pid, uint64_t start_time, int signal) {
  /* pid 0 or -1 would reach the caller's process group or every
   * process: a container with no pid has nothing to signal. */
  if (pid <= 0) {
    errno = ESRCH;
    return -1;
  }
  /* The pidfd pins the process: once it is checked to be the one
   * started at start_time, a recycled pid can no longer be hit. */
  cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0 && errno != ENOSYS)
    return -1;
  if (!hd_process_alive(pid, start_time)) {
    errno = ESRCH;
    return -1;
  }
  if (pidfd >= 0)
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
  return kill(pid, signal);
}

const char *hd_container_status(int state_fd, const oci_state *state) {
  if (state->pid <= 0)
    return strcmp(state->status, "creating") == 0 ? "creating" : "stopped";
  if (!hd_process_alive(state->pid, state->pid_start_time))
    return "stopped";
  if (faccessat(state_fd, HD_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return strcmp(state->status, "creating") == 0 ? "creating" : "created";
  if (strcmp(state->status, "paused") == 0)
    return "paused";
  return "running";
}

void hd_refresh_status(hd_opened_container *c) {
  const char *now = hd_container_status(c->state_fd, c->state);
  if (strcmp(now, c->state->status) != 0) {
    free(c->state->status);
    c->state->status = xstrdup(now);
  }
}

static char *state_json(const oci_state *s, const char *status) {
  oci_state copy = *s;
  copy.status = (char *)status;
  return oci_state_emit(&copy, false, false);
}

/* The container's spec: `known` when the caller (`run`) still holds the
 * one it wrote to config.json, else config.json parsed into *read (the
 * caller frees it). NULL with *err set on failure. */
static const oci_spec *config_of(hd_opened_container *c,
                                 const oci_spec *known, oci_spec **read,
                                 hd_error_t *err) {
  *read = NULL;
  if (known)
    return known;
  return hd_state_read_config(c->state_fd, read, err) == 0 ? *read : NULL;
}

static int run_poststart_hooks(hd_opened_container *c, const oci_spec *known,
                               hd_error_t *err) {
  oci_spec *read = NULL;
  const oci_spec *spec = config_of(c, known, &read, err);
  if (spec == NULL)
    return -1;
  const oci_hooks *h = spec->hooks;
  int rc = 0;
  if (h && h->poststart_len) {
    cleanup_free char *json = state_json(c->state, "running");
    rc = hd_hooks_run(h->poststart, h->poststart_len, "poststart", json, err);
  }
  oci_spec_free(read);
  return rc;
}

static void wait_until_dead(pid_t pid, uint64_t start_time);

/* A frozen init never writes exec.fifo. */
static bool init_frozen(const hd_opened_container *c) {
  hd_cgroup *cg = NULL;
  hd_error_t ignored = NULL;
  bool frozen = c->state->cgroup_path &&
                hd_cgroup_open(c->state_fd, c->state->cgroup_path, &cg,
                               &ignored) == 0 &&
                hd_cgroup_is_frozen(cg);
  hd_cgroup_free(cg);
  hd_error_free(&ignored);
  return frozen;
}

/* Open exec.fifo for reading, which releases the init's blocking open
 * for writing, and take its byte. Polls so that an init that died in the
 * meantime is noticed instead of waited on forever. */
static int release_init(hd_opened_container *c, hd_error_t *err) {
  cleanup_close int fd =
      openat(c->state_fd, HD_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "opening exec.fifo");
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, 100);
    char byte;
    if (n > 0 && (p.revents & POLLIN) && read(fd, &byte, 1) == 1)
      break;
    if (n < 0 && errno != EINTR)
      return hd_error_set(err, errno, "waiting on exec.fifo");
    /* Closed unwritten: the process failed on its way to execve (a
     * startContainer hook, seccomp); it says why on its stderr. */
    if (n > 0 && (p.revents & POLLHUP)) {
      wait_until_dead(c->state->pid, c->state->pid_start_time);
      return hd_error_set(err, 0, "the container's process failed before "
                                  "it started (see its stderr)");
    }
    if (!hd_process_alive(c->state->pid, c->state->pid_start_time))
      return hd_error_set(err, 0, "container init exited before start");
    if (n == 0 && init_frozen(c))
      return hd_refuse_frozen(c->state->cgroup_path, err);
  }
  if (unlinkat(c->state_fd, HD_EXEC_FIFO, 0) < 0)
    return hd_error_set(err, errno, "removing exec.fifo");
  return 0;
}

int hd_container_start(const char *state_root, const char *id,
                       hd_error_t *err) {
  return hd_container_start_known(state_root, id, NULL, err);
}

int hd_container_start_known(const char *state_root, const char *id,
                             const oci_spec *known, hd_error_t *err) {
  hd_opened_container c;
  int rc = hd_open_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    if (strcmp(c.state->status, "created") != 0)
      rc = hd_error_set(err, 0, "cannot start container \"%s\": it is %s", id,
                        c.state->status);
  }
  /* Nothing to write: with exec.fifo gone, the saved "created" reads
   * as "running" (hd_container_status). */
  if (rc == 0)
    rc = release_init(&c, err);
  if (rc == 0) {
    free(c.state->status);
    c.state->status = xstrdup("running");
  }
  /* A failing poststart hook stops the container, as the spec asks. */
  if (rc == 0 && run_poststart_hooks(&c, known, err) < 0) {
    hd_signal_process(c.state->pid, c.state->pid_start_time, SIGKILL);
    rc = -1;
  }
  hd_opened_clear(&c);
  return rc;
}

int hd_container_state(const char *state_root, const char *id, char **json,
                       hd_error_t *err) {
  hd_opened_container c;
  int rc = hd_peek_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    *json = oci_state_emit(c.state, false, true);
    if (*json == NULL)
      rc = hd_error_set(err, ENOMEM, "encoding state");
  }
  hd_opened_clear(&c);
  return rc;
}

static int kill_cgroup(int state_fd, const oci_state *s, int signal,
                       hd_error_t *err) {
  hd_cgroup *cg = NULL;
  pid_t *pids = NULL;
  size_t n = 0;
  int rc = hd_cgroup_open(state_fd, s->cgroup_path, &cg, err);
  if (rc == 0)
    rc = hd_cgroup_pids(cg, &pids, &n, err);
  /* A process outside our pid namespace reads as 0 in cgroup.procs. */
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (pids[i] > 0 && kill(pids[i], signal) < 0 && errno != ESRCH)
      rc = hd_error_set(err, errno, "kill %d", pids[i]);
  free(pids);
  hd_cgroup_free(cg);
  return rc;
}

/* No lock: signalling changes no state, and the pidfd check in
 * hd_signal_process keeps a stale pid from reaching anyone else. So a
 * kill is answered even while a create or delete holds the lock. */
int hd_container_kill(const char *state_root, const char *id, int signal,
                      bool all, hd_error_t *err) {
  hd_opened_container c;
  int rc = hd_peek_container(state_root, id, &c, err);
  if (rc == 0) {
    hd_refresh_status(&c);
    const char *status = c.state->status;
    /* "creating": no pid yet (or its create died), nothing to signal. */
    bool no_process =
        strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0;
    if (no_process && !(all && c.state->cgroup_path))
      rc = hd_error_set(err, 0, "container \"%s\" is not running (it is %s)",
                        id, status);
  }
  if (rc == 0 && all)
    rc = kill_cgroup(c.state_fd, c.state, signal, err);
  else if (rc == 0 &&
           hd_signal_process(c.state->pid, c.state->pid_start_time, signal) < 0)
    rc = errno == ESRCH
             ? hd_error_set(err, 0, "container \"%s\" is not running", id)
             : hd_error_set(err, errno, "kill %d", c.state->pid);
  hd_opened_clear(&c);
  return rc;
}

/* Bounded: an init that ignores SIGKILL does not exist, but one stuck in
 * uninterruptible sleep may take a moment. */
static void wait_until_dead(pid_t pid, uint64_t start_time) {
  struct timespec tick = {0, 2 * 1000 * 1000};
  for (int i = 0; i < 5000 && hd_process_alive(pid, start_time); i++)
    nanosleep(&tick, NULL);
}

static void run_poststop_hooks(hd_opened_container *c, const oci_spec *known) {
  oci_spec *read = NULL;
  hd_error_t err = NULL;
  const oci_spec *spec = config_of(c, known, &read, &err);
  const oci_hooks *h = spec ? spec->hooks : NULL;
  if (h && h->poststop_len) {
    cleanup_free char *json = state_json(c->state, "stopped");
    /* poststop failures are logged, and deletion goes on (spec). */
    hd_hooks_run(h->poststop, h->poststop_len, "poststop", json, &err);
  }
  if (err)
    hd_warn("%s", err->msg);
  hd_error_free(&err);
  oci_spec_free(read);
}

static int remove_container(hd_opened_container *c, const char *id,
                            const oci_spec *known, hd_error_t *err) {
  if (c->state->cgroup_path) {
    hd_cgroup *cg = NULL;
    int rc = hd_cgroup_open(c->state_fd, c->state->cgroup_path, &cg, err);
    if (rc == 0)
      rc = hd_cgroup_destroy(cg, err);
    hd_cgroup_free(cg);
    if (rc < 0)
      return -1;
  }
  run_poststop_hooks(c, known);
  return hd_state_dir_remove(c->root_fd, id, err);
}

/* Delete whatever a crashed create left: a state dir without state.json. */
static int delete_leftover(const char *state_root, const char *id,
                           hd_error_t *err) {
  hd_error_free(err);
  cleanup_close int root_fd = -1;
  if (hd_state_root_open(state_root, false, &root_fd, err) < 0)
    return -1;
  return hd_state_dir_remove(root_fd, id, err);
}

int hd_container_delete(const char *state_root, const char *id, bool force,
                        hd_error_t *err) {
  return hd_container_delete_known(state_root, id, force, NULL, err);
}

int hd_container_delete_known(const char *state_root, const char *id,
                              bool force, const oci_spec *known,
                              hd_error_t *err) {
  hd_opened_container c;
  int rc = hd_open_container(state_root, id, &c, err);
  if (rc < 0 && force && c.state_fd >= 0 && c.state == NULL) {
    hd_opened_clear(&c);
    return delete_leftover(state_root, id, err);
  }
  if (rc == 0) {
    hd_refresh_status(&c);
    const char *status = c.state->status;
    bool live = strcmp(status, "stopped") != 0;
    bool deletable = !live || strcmp(status, "created") == 0 ||
                     strcmp(status, "creating") == 0;
    if (live && !deletable && !force)
      rc = hd_error_set(err, 0,
                        "cannot delete container \"%s\": it is %s "
                        "(stop it first, or use --force)",
                        id, status);
    else if (live && c.state->pid > 0 &&
             hd_signal_process(c.state->pid, c.state->pid_start_time,
                               SIGKILL) == 0 &&
             strcmp(status, "paused") != 0)
      /* A frozen init cannot die until the cgroup is thawed, which
       * destroying it does (with SIGKILL to all): no wait for it. */
      wait_until_dead(c.state->pid, c.state->pid_start_time);
  }
  if (rc == 0)
    rc = remove_container(&c, id, known, err);
  hd_opened_clear(&c);
  return rc;
}

static int by_created(const void *a, const void *b) {
  const oci_state *x = *(oci_state *const *)a, *y = *(oci_state *const *)b;
  return strcmp(x->created ? x->created : "", y->created ? y->created : "");
}

int hd_container_list(const char *state_root, oci_state ***states, size_t *n,
                      hd_error_t *err) {
  *states = NULL;
  *n = 0;
  DIR *dir = opendir(state_root);
  if (dir == NULL)
    return errno == ENOENT ? 0 : hd_error_set(err, errno, "opening %s", state_root);
  struct dirent *de;
  size_t cap = 0;
  while ((de = readdir(dir)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    hd_opened_container c;
    hd_error_t skip = NULL;
    if (hd_peek_container(state_root, de->d_name, &c, &skip) < 0) {
      hd_error_free(&skip);
      hd_opened_clear(&c);
      continue;
    }
    hd_refresh_status(&c);
    if (*n == cap)
      *states = xrealloc(*states, (cap = cap ? cap * 2 : 8) * sizeof **states);
    (*states)[(*n)++] = hd_steal_pointer(&c.state);
    hd_opened_clear(&c);
  }
  closedir(dir);
  if (*n > 0) /* qsort(NULL, 0, ...) is undefined (UBSan) */
    qsort(*states, *n, sizeof **states, by_created);
  return 0;
}
