#ifndef HD_ID_ARG_H
#define HD_ID_ARG_H
#include "commands.h"
#include <getopt.h>
/* For commands whose only operand is the container id: parse `opts` (may
 * be just the terminator) with `on_opt` for each flag; returns the id or
 * NULL after printing a usage error. */
typedef int (*id_arg_flag_fn)(int opt, const char *arg, void *data);
const char *parse_id_command(const char *cmd, int argc, char **argv,
                             const char *shortopts, const struct option *opts,
                             id_arg_flag_fn on_opt, void *data, int operands);
#endif
