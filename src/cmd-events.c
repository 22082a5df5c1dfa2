/* events: container statistics as runc prints them. --stats prints one
 * object; otherwise a stats object every --interval and an "oom" event
 * whenever the OOM-kill count rises, until the container stops. */
#define _GNU_SOURCE
#include "commands.h"
#include "container.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "5s", "500ms", "1m", "2" (seconds). */
static int parse_interval(const char *s, struct timespec *out) {
  char *end;
  double v = strtod(s, &end);
  double scale = 1;
  if (strcmp(end, "ms") == 0)
    scale = 1e-3;
  else if (strcmp(end, "m") == 0)
    scale = 60;
  else if (*end != '\0' && strcmp(end, "s") != 0)
    return -1;
  double secs = v * scale;
  if (end == s || secs <= 0 || secs > 86400)
    return -1;
  out->tv_sec = (time_t)secs;
  out->tv_nsec = (long)((secs - (double)out->tv_sec) * 1e9);
  return 0;
}

static int print_event(const char *type, const char *id, const oci_stats *s) {
  cleanup_free char *line = oci_stats_event_emit(type, id, s);
  if (line == NULL)
    return -1;
  printf("%s\n", line);
  fflush(stdout);
  return 0;
}

int cmd_events(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
                                       {"interval", required_argument, NULL, 'i'},
                                       {NULL, 0, NULL, 0}};
  bool once = false;
  struct timespec interval = {5, 0};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 's')
      once = true;
    else if (c == 'i' && parse_interval(optarg, &interval) == 0)
      continue;
    else
      return cmd_usage_error("events", "expected --stats or --interval DURATION");
  }
  if (optind != argc - 1)
    return cmd_usage_error("events", "expected exactly one container id");
  const char *id = argv[optind];
  uint64_t ooms = 0;
  for (bool first = true;; first = false) {
    oci_stats stats;
    bool running = false;
    cleanup_error hd_error_t err = NULL;
    if (hd_container_stats(g->root, id, &stats, &running, &err) < 0)
      return first || running ? cmd_fail(&err) : 0;
    if (!first && stats.oom_kills > ooms)
      print_event("oom", id, NULL);
    ooms = stats.oom_kills;
    print_event("stats", id, &stats);
    oci_stats_clear(&stats);
    if (once)
      return 0;
    nanosleep(&interval, NULL);
  }
}
