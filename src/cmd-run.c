#include "commands.h"
#include "container.h"
#include "create-flags.h"

int cmd_run(const hd_global_opts *g, int argc, char **argv) {
  hd_container_opts o = {0};
  if (parse_create_flags("run", g, argc, argv, true, &o) < 0)
    return 1;
  cleanup_error hd_error_t err = NULL;
  int status = 0;
  if (hd_container_run(&o, &status, &err) < 0)
    return cmd_fail(&err);
  return status;
}
