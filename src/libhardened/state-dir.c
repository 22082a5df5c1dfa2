#define _GNU_SOURCE
#include "state-dir.h"

#include "cgroup.h"

#include "log.h"
#include "safe-path.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define STATE_MAX_BYTES (16u << 20)

int hd_state_validate_id(const char *id, hd_error_t *err) {
  size_t len = strlen(id);
  if (len == 0 || len > 1024)
    return hd_error_set(err, 0, "container id: expected 1 to 1024 characters, got %zu", len);
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return hd_error_set(err, 0, "container id \"%s\": not a valid id", id);
  for (const char *p = id; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("_+.-", *p))
      continue;
    /* Only the valid prefix is quoted: the rest may hold a newline or
     * escape codes that would forge or garble the one-line error. */
    int prefix = p - id > 64 ? 64 : (int)(p - id);
    char shown[8];
    if (*p > 0x20 && *p < 0x7f)
      snprintf(shown, sizeof shown, "'%c'", *p);
    else
      snprintf(shown, sizeof shown, "0x%02x", (unsigned char)*p);
    return hd_error_set(err, 0,
                        "container id \"%.*s...\": invalid character %s "
                        "at offset %zu (allowed: letters, digits, _ + . -)",
                        prefix, id, shown, (size_t)(p - id));
  }
  return 0;
}

static int mkdir_parents(const char *path) {
  cleanup_free char *copy = xstrdup(path);
  for (char *p = copy + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(copy, 0711) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return mkdir(copy, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int hd_state_root_open(const char *root, bool create, int *out_fd,
                       hd_error_t *err) {
  int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT && create) {
    if (mkdir_parents(root) < 0)
      return hd_error_set(err, errno, "creating state root %s", root);
    fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  if (fd < 0)
    return hd_error_set(err, errno, "opening state root %s", root);
  *out_fd = fd;
  return 0;
}

int hd_state_dir_create(int root_fd, const char *id, int *out_fd,
                        hd_error_t *err) {
  if (mkdirat(root_fd, id, 0711) < 0) {
    if (errno == EEXIST)
      return hd_error_set(err, 0, "container \"%s\" already exists", id);
    return hd_error_set(err, errno, "creating state dir for \"%s\"", id);
  }
  int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int saved = errno;
    unlinkat(root_fd, id, AT_REMOVEDIR);
    return hd_error_set(err, saved, "opening state dir for \"%s\"", id);
  }
  *out_fd = fd;
  return 0;
}

int hd_state_dir_open(int root_fd, const char *id, int *out_fd,
                      hd_error_t *err) {
  int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT)
      return hd_error_set(err, 0, "container \"%s\" does not exist", id);
    return hd_error_set(err, errno, "opening state dir for \"%s\"", id);
  }
  *out_fd = fd;
  return 0;
}

/* The pid /proc/locks shows for the flock on dir_fd's inode, 0 when
 * none is found (the holder may be in another pid namespace). */
static pid_t lock_holder(int dir_fd) {
  struct stat st;
  if (fstat(dir_fd, &st) < 0)
    return 0;
  FILE *f = fopen("/proc/locks", "re");
  if (f == NULL)
    return 0;
  char line[256];
  pid_t found = 0;
  while (found == 0 && fgets(line, sizeof line, f)) {
    int pid;
    unsigned maj, min;
    unsigned long ino;
    if (sscanf(line, "%*d: FLOCK %*s %*s %d %x:%x:%lu", &pid, &maj, &min,
               &ino) == 4 &&
        ino == st.st_ino && maj == major(st.st_dev) &&
        min == minor(st.st_dev) && pid > 0)
      found = pid;
  }
  fclose(f);
  return found;
}

int hd_state_dir_lock(int dir_fd, const char *id, hd_error_t *err) {
  /* Polled, not a blocking flock: a command stuck while holding the
   * lock (a hook that never returns) must not wedge every other one. */
  const int tick_ms = 20;
  for (int waited = 0;; waited += tick_ms) {
    if (flock(dir_fd, LOCK_EX | LOCK_NB) == 0)
      return 0;
    if (errno != EWOULDBLOCK && errno != EINTR)
      return hd_error_set(err, errno, "locking the state dir of \"%s\"", id);
    if (waited >= HD_LOCK_TIMEOUT_S * 1000)
      break;
    struct timespec tick = {0, (long)tick_ms * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  pid_t holder = lock_holder(dir_fd);
  if (holder > 0)
    return hd_error_set(err, 0,
                        "container \"%s\" is locked by another hardened "
                        "command (pid %d) since at least %d seconds",
                        id, holder, HD_LOCK_TIMEOUT_S);
  return hd_error_set(err, 0,
                      "container \"%s\" is locked by another hardened "
                      "command since at least %d seconds",
                      id, HD_LOCK_TIMEOUT_S);
}

int hd_state_write(int dir_fd, const oci_state *state, hd_error_t *err) {
  cleanup_free char *json = oci_state_emit(state, true, false);
  if (json == NULL)
    return hd_error_set(err, ENOMEM, "encoding state");
  return hd_write_file_atomic_at(dir_fd, HD_STATE_FILE, json, strlen(json),
                                 0600, err);
}

int hd_state_read(int dir_fd, const char *id, oci_state **out,
                  hd_error_t *err) {
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (hd_read_file_at(dir_fd, HD_STATE_FILE, STATE_MAX_BYTES, &json, &len,
                      err) < 0)
    return hd_error_wrap(err, "reading state of \"%s\"", id);
  oci_parse_error perr = {0};
  *out = oci_state_parse(json, len, &perr);
  if (*out == NULL) {
    hd_error_set(err, 0, "state of \"%s\" is corrupt: %s", id,
                 perr.msg ? perr.msg : "?");
    oci_parse_error_clear(&perr);
    return -1;
  }
  return 0;
}

int hd_state_write_config(int dir_fd, const oci_spec *spec, hd_error_t *err) {
  cleanup_free char *json = oci_spec_emit(spec, false);
  if (json == NULL)
    return hd_error_set(err, ENOMEM, "encoding config");
  return hd_write_file_atomic_at(dir_fd, HD_CONFIG_FILE, json, strlen(json),
                                 0600, err);
}

int hd_state_read_config(int dir_fd, oci_spec **out, hd_error_t *err) {
  cleanup_free char *json = NULL;
  size_t len = 0;
  if (hd_read_file_at(dir_fd, HD_CONFIG_FILE, 64u << 20, &json, &len, err) < 0)
    return -1;
  oci_parse_error perr = {0};
  *out = oci_spec_parse(json, len, &perr);
  if (*out == NULL) {
    hd_error_set(err, 0, "saved config is corrupt: %s", perr.msg ? perr.msg : "?");
    oci_parse_error_clear(&perr);
    return -1;
  }
  return 0;
}

int hd_state_dir_remove(int root_fd, const char *id, hd_error_t *err) {
  static const char *const files[] = {HD_STATE_FILE, HD_CONFIG_FILE, HD_EXEC_FIFO,
                                      "." HD_STATE_FILE ".tmp",
                                      "." HD_CONFIG_FILE ".tmp",
                                      HD_CGROUP_OWNED_FILE,
                                      "." HD_CGROUP_OWNED_FILE ".tmp"};
  cleanup_close int fd =
      openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT ? 0 : hd_error_set(err, errno, "opening state dir of \"%s\"", id);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    if (unlinkat(fd, files[i], 0) < 0 && errno != ENOENT)
      return hd_error_set(err, errno, "removing %s of \"%s\"", files[i], id);
  if (unlinkat(root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return hd_error_set(err, errno, "removing state dir of \"%s\"", id);
  return 0;
}

int hd_state_dir_open_for_init(int state_fd, int *out_fd, hd_error_t *err) {
  hd_error_t why = NULL;
  /* From the fd create made and locked, not the id again: the same
   * directory, with no second lookup. */
  int fd = hd_clone_tree(state_fd, "", false, "state dir", &why);
  if (fd >= 0 &&
      hd_set_mount_flags(fd, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0,
                         false, "state dir", &why) < 0) {
    close(fd);
    fd = -1;
  }
  if (fd < 0) {
    hd_debug("%s; the init gets the state dir itself", why->msg);
    hd_error_free(&why);
    /* A file of its own, not a dup: the lock stays the runtime's. */
    fd = openat(state_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  if (fd < 0)
    return hd_error_set(err, errno, "opening the state dir for the init");
  *out_fd = fd;
  return 0;
}
