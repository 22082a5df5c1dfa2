/* STUB: replaced by its owner. */
#include "commands.h"
#include "log.h"
int cmd_features(const hd_global_opts *g, int argc, char **argv) {
  hd_log_error_once("features: not implemented yet");
  return 1;
}
