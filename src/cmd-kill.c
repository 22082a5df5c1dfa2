#define _GNU_SOURCE
#include "commands.h"
#include "container.h"
#include "id-arg.h"

#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  int number;
} signal_names[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},   {"IOT", SIGIOT},   {"BUS", SIGBUS},
    {"FPE", SIGFPE},   {"KILL", SIGKILL},   {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU}, {"URG", SIGURG},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"POLL", SIGPOLL}, {"PWR", SIGPWR},
    {"SYS", SIGSYS},
};

/* "9", "KILL", "SIGKILL", "sigkill", "RTMIN+3"; "0" checks that the
 * container's process exists, as kill(2) and runc do. -1 when unknown. */
static int parse_signal(const char *s) {
  char *end;
  if (isdigit((unsigned char)*s)) {
    long n = strtol(s, &end, 10);
    return (*end == '\0' && n >= 0 && n < NSIG) ? (int)n : -1;
  }
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcasecmp(s, signal_names[i].name) == 0)
      return signal_names[i].number;
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    bool min = strncasecmp(s, "RTMIN", 5) == 0;
    long off = 0;
    if (s[5] == '+' || s[5] == '-') {
      off = strtol(s + 5, &end, 10);
      if (*end != '\0')
        return -1;
    } else if (s[5] != '\0')
      return -1;
    long n = (min ? SIGRTMIN : SIGRTMAX) + off;
    return (n >= SIGRTMIN && n <= SIGRTMAX) ? (int)n : -1;
  }
  return -1;
}

static int on_kill_flag(int opt, const char *arg, void *data) {
  if (opt != 'a')
    return -1;
  *(bool *)data = true;
  return 0;
}

int cmd_kill(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
                                       {NULL, 0, NULL, 0}};
  bool all = false;
  int c;
  while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
    if (on_kill_flag(c, optarg, &all) < 0)
      return cmd_usage_error("kill", "bad option");
  }
  int operands = argc - optind;
  if (operands < 1 || operands > 2)
    return cmd_usage_error("kill", "expected a container id and an optional signal");
  const char *id = argv[optind];
  int sig = SIGTERM;
  if (operands == 2 && (sig = parse_signal(argv[optind + 1])) < 0)
    return cmd_usage_error("kill", "unknown signal \"%s\"", argv[optind + 1]);
  cleanup_error hd_error_t err = NULL;
  if (hd_container_kill(g->root, id, sig, all, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
