#define _GNU_SOURCE
#include "log.h"

#include "error.h"
#include "json-util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static bool log_json;
static bool log_debug;

int hd_log_init(const char *path, bool json, bool debug) {
  log_json = json;
  log_debug = debug;
  if (path == NULL)
    return 0;
  log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  return log_fd < 0 ? -1 : 0;
}

static const char *level_name(hd_log_level level) {
  switch (level) {
  case HD_LOG_DEBUG:
    return "debug";
  case HD_LOG_INFO:
    return "info";
  case HD_LOG_WARN:
    return "warning";
  default:
    return "error";
  }
}

static void format_time(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void write_line(int fd, hd_log_level level, const char *msg) {
  cleanup_free char *line = NULL;
  char when[64];
  format_time(when, sizeof when);
  if (log_json) {
    cleanup_free char *quoted = oci_json_quote(msg);
    line = xasprintf("{\"level\":\"%s\",\"msg\":%s,\"time\":\"%s\"}\n",
                     level_name(level), quoted, when);
  } else {
    line = xasprintf("%s %s: %s\n", when, level_name(level), msg);
  }
  (void)!write(fd, line, strlen(line));
}

void hd_log(hd_log_level level, const char *fmt, ...) {
  if (level == HD_LOG_DEBUG && !log_debug)
    return;
  va_list ap;
  va_start(ap, fmt);
  cleanup_free char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  if (msg == NULL)
    return;
  if (log_fd >= 0)
    write_line(log_fd, level, msg);
  else if (level >= HD_LOG_WARN || log_debug) {
    cleanup_free char *line = xasprintf("hardened: %s: %s\n", level_name(level), msg);
    (void)!write(2, line, strlen(line));
  }
}

void hd_log_error_once(const char *msg) {
  cleanup_free char *line = xasprintf("hardened: %s\n", msg);
  (void)!write(2, line, strlen(line));
  if (log_fd >= 0)
    write_line(log_fd, HD_LOG_ERROR, msg);
}
