#include "commands.h"
#include "container.h"
#include "id-arg.h"
#include "state-dir.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

static int on_delete_flag(int opt, const char *arg, void *data) {
  if (opt != 'f')
    return -1;
  *(bool *)data = true;
  return 0;
}

static bool state_entry_exists(const char *root, const char *id) {
  char path[4096];
  struct stat st;
  cleanup_error hd_error_t err = NULL;
  if (hd_state_validate_id(id, &err) < 0)
    return true; /* keep the refusal of a bad id */
  if (snprintf(path, sizeof path, "%s/%s", root, id) >= (int)sizeof path)
    return true;
  return lstat(path, &st) == 0 || errno != ENOENT;
}

int cmd_delete(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
                                       {NULL, 0, NULL, 0}};
  bool force = false;
  const char *id = parse_id_command("delete", argc, argv, "f", opts,
                                    on_delete_flag, &force, 1);
  if (id == NULL)
    return 1;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_delete(g->root, id, force, &err) < 0) {
    /* Engines clean up after a failed create with `delete --force` and
     * treat any error as a second failure (podman prints it over the real
     * one); like runc, forcing away what is already gone succeeds. */
    if (force && !state_entry_exists(g->root, id))
      return 0;
    return cmd_fail(&err);
  }
  return 0;
}
