/* One function per command; each parses its own flags. */
#ifndef HD_COMMANDS_H
#define HD_COMMANDS_H

#include <stdbool.h>

typedef struct {
  const char *root;
  const char *log_path;
  bool log_json;
  bool debug;
  bool systemd_cgroup;
  const char *rootless;
  const char *policy_path;
} hd_global_opts;

int cmd_create(const hd_global_opts *g, int argc, char **argv);
int cmd_start(const hd_global_opts *g, int argc, char **argv);
int cmd_run(const hd_global_opts *g, int argc, char **argv);
int cmd_state(const hd_global_opts *g, int argc, char **argv);
int cmd_kill(const hd_global_opts *g, int argc, char **argv);
int cmd_delete(const hd_global_opts *g, int argc, char **argv);
int cmd_list(const hd_global_opts *g, int argc, char **argv);
int cmd_spec(const hd_global_opts *g, int argc, char **argv);
int cmd_features(const hd_global_opts *g, int argc, char **argv);
int cmd_exec(const hd_global_opts *g, int argc, char **argv);
int cmd_ps(const hd_global_opts *g, int argc, char **argv);
int cmd_pause(const hd_global_opts *g, int argc, char **argv);
int cmd_resume(const hd_global_opts *g, int argc, char **argv);
int cmd_update(const hd_global_opts *g, int argc, char **argv);
int cmd_events(const hd_global_opts *g, int argc, char **argv);
int cmd_check(const hd_global_opts *g, int argc, char **argv);
int cmd_checkpoint(const hd_global_opts *g, int argc, char **argv);
int cmd_restore(const hd_global_opts *g, int argc, char **argv);

/* Print err once (text or JSON log) and return the exit code 1. */
struct hd_error;
int cmd_fail(struct hd_error **err);
/* "usage" errors: one line, exit 2... runc uses 1; we use 1 too. */
int cmd_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
