#define _GNU_SOURCE
#include "commands.h"
#include "container.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_BLKIO_WEIGHT = 256, OPT_CPU_PERIOD, OPT_CPU_QUOTA, OPT_CPU_BURST,
       OPT_CPU_RT_PERIOD, OPT_CPU_RT_RUNTIME, OPT_CPU_SHARE, OPT_CPUSET_CPUS,
       OPT_CPUSET_MEMS, OPT_KERNEL_MEMORY, OPT_KERNEL_MEMORY_TCP, OPT_MEMORY,
       OPT_MEMORY_RESERVATION, OPT_MEMORY_SWAP, OPT_PIDS_LIMIT, OPT_IGNORED };

/* "512", "64k", "10m", "2g"; -1 means unlimited. */
static int parse_size(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || errno)
    return -1;
  int64_t mult = 1;
  switch (*end) {
  case 'k': case 'K': mult = 1LL << 10; end++; break;
  case 'm': case 'M': mult = 1LL << 20; end++; break;
  case 'g': case 'G': mult = 1LL << 30; end++; break;
  default: break;
  }
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end != '\0' || (v < 0 && v != -1) || v > INT64_MAX / mult)
    return -1;
  *out = v < 0 ? -1 : v * mult;
  return 0;
}

static oci_memory *memory_of(oci_resources *r) {
  return r->memory ? r->memory : (r->memory = xcalloc(1, sizeof *r->memory));
}
static oci_cpu *cpu_of(oci_resources *r) {
  return r->cpu ? r->cpu : (r->cpu = xcalloc(1, sizeof *r->cpu));
}

static int apply_flag(oci_resources *r, int opt, const char *arg) {
  int64_t v;
  if (opt == OPT_CPUSET_CPUS || opt == OPT_CPUSET_MEMS) {
    char **slot = opt == OPT_CPUSET_CPUS ? &cpu_of(r)->cpus : &cpu_of(r)->mems;
    free(*slot);
    *slot = xstrdup(arg);
    return 0;
  }
  if (parse_size(arg, &v) < 0)
    return -1;
  switch (opt) {
  case OPT_MEMORY: memory_of(r)->limit = v; memory_of(r)->has_limit = true; break;
  case OPT_MEMORY_RESERVATION: memory_of(r)->reservation = v; memory_of(r)->has_reservation = true; break;
  case OPT_MEMORY_SWAP: memory_of(r)->swap = v; memory_of(r)->has_swap = true; break;
  case OPT_KERNEL_MEMORY: memory_of(r)->kernel = v; memory_of(r)->has_kernel = true; break;
  case OPT_KERNEL_MEMORY_TCP: memory_of(r)->kernel_tcp = v; memory_of(r)->has_kernel_tcp = true; break;
  case OPT_CPU_SHARE: cpu_of(r)->shares = (uint64_t)v; cpu_of(r)->has_shares = true; break;
  case OPT_CPU_QUOTA: cpu_of(r)->quota = v; cpu_of(r)->has_quota = true; break;
  case OPT_CPU_PERIOD: cpu_of(r)->period = (uint64_t)v; cpu_of(r)->has_period = true; break;
  case OPT_CPU_BURST: cpu_of(r)->burst = (uint64_t)v; cpu_of(r)->has_burst = true; break;
  case OPT_CPU_RT_PERIOD: cpu_of(r)->realtime_period = (uint64_t)v; cpu_of(r)->has_realtime_period = true; break;
  case OPT_CPU_RT_RUNTIME: cpu_of(r)->realtime_runtime = v; cpu_of(r)->has_realtime_runtime = true; break;
  case OPT_PIDS_LIMIT:
    if (r->pids == NULL)
      r->pids = xcalloc(1, sizeof *r->pids);
    r->pids->limit = v;
    r->pids->has_limit = true;
    break;
  case OPT_BLKIO_WEIGHT:
    if (v > 65535 || v < 0)
      return -1;
    if (r->block_io == NULL)
      r->block_io = xcalloc(1, sizeof *r->block_io);
    r->block_io->weight = (uint16_t)v;
    r->block_io->has_weight = true;
    break;
  default:
    return -1;
  }
  return 0;
}

static oci_resources *read_resources(const char *path, hd_error_t *err) {
  cleanup_free char *json = NULL;
  size_t len = 0;
  const char *name = strcmp(path, "-") == 0 ? "/dev/stdin" : path;
  if (hd_read_file_at(AT_FDCWD, name, 4u << 20, &json, &len, err) < 0) {
    hd_error_wrap(err, "--resources");
    return NULL;
  }
  oci_parse_error perr = {0};
  oci_resources *r = oci_resources_parse(json, len, &perr);
  if (r == NULL) {
    hd_error_set(err, 0, "--resources %s: %s", path, perr.msg ? perr.msg : "invalid");
    oci_parse_error_clear(&perr);
  }
  return r;
}

int cmd_update(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {
      {"resources", required_argument, NULL, 'r'},
      {"blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT},
      {"cpu-period", required_argument, NULL, OPT_CPU_PERIOD},
      {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
      {"cpu-burst", required_argument, NULL, OPT_CPU_BURST},
      {"cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD},
      {"cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME},
      {"cpu-share", required_argument, NULL, OPT_CPU_SHARE},
      {"cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS},
      {"cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS},
      {"kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY},
      {"kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP},
      {"memory", required_argument, NULL, OPT_MEMORY},
      {"memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION},
      {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
      {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
      {"l3-cache-schema", required_argument, NULL, OPT_IGNORED},
      {"mem-bw-schema", required_argument, NULL, OPT_IGNORED},
      {NULL, 0, NULL, 0}};
  const char *resources_path = NULL;
  oci_resources *flags = xcalloc(1, sizeof *flags);
  int c, rc = 0;
  while (rc == 0 && (c = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
    if (c == 'r')
      resources_path = optarg;
    else if (c == '?' || (c != OPT_IGNORED && apply_flag(flags, c, optarg) < 0))
      rc = cmd_usage_error("update", "bad value for an option");
  }
  if (rc == 0 && optind != argc - 1)
    rc = cmd_usage_error("update", "expected exactly one container id");
  cleanup_error hd_error_t err = NULL;
  oci_resources *requested = flags;
  if (rc == 0 && resources_path) {
    /* runc: with --resources the flags are ignored */
    requested = read_resources(resources_path, &err);
    if (requested == NULL)
      rc = cmd_fail(&err);
  }
  if (rc == 0 && hd_container_update(g->root, argv[optind], g->policy_path,
                                     requested, &err) < 0)
    rc = cmd_fail(&err);
  if (requested != flags)
    oci_resources_free(requested);
  oci_resources_free(flags);
  return rc;
}
