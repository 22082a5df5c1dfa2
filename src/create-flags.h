#ifndef HD_CREATE_FLAGS_H
#define HD_CREATE_FLAGS_H
#include "commands.h"
#include "container.h"
int parse_create_flags(const char *cmd, const hd_global_opts *g, int argc,
                       char **argv, bool is_run, hd_container_opts *o);
#endif
