#define OCI_JSON_INTERNAL
#include "stats.h"
#include "json-util.h"

#include <stdlib.h>

static void gen_memory_entry(yajl_gen g, const char *key,
                             const oci_memory_entry *e) {
  oci_gen_str(g, key);
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "limit", e->limit);
  oci_gen_key_u64(g, "usage", e->usage);
  oci_gen_key_u64(g, "max", e->max);
  oci_gen_key_u64(g, "failcnt", e->failcnt);
  yajl_gen_map_close(g);
}

static void gen_cpu(yajl_gen g, const oci_stats *s) {
  oci_gen_str(g, "cpu");
  yajl_gen_map_open(g);
  oci_gen_str(g, "usage");
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "total", s->cpu_total);
  oci_gen_str(g, "percpu");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < s->cpu_percpu_len; i++)
    oci_gen_u64(g, s->cpu_percpu[i]);
  yajl_gen_array_close(g);
  oci_gen_key_u64(g, "kernel", s->cpu_kernel);
  oci_gen_key_u64(g, "user", s->cpu_user);
  yajl_gen_map_close(g);
  oci_gen_str(g, "throttling");
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "periods", s->throttling_periods);
  oci_gen_key_u64(g, "throttledPeriods", s->throttled_periods);
  oci_gen_key_u64(g, "throttledTime", s->throttled_time);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, const oci_stats *s) {
  oci_gen_str(g, "memory");
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "cache", s->memory_cache);
  gen_memory_entry(g, "usage", &s->memory);
  gen_memory_entry(g, "swap", &s->swap);
  gen_memory_entry(g, "kernel", &s->kernel);
  oci_gen_str(g, "raw");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < s->memory_raw_len; i++)
    oci_gen_key_u64(g, s->memory_raw[i].key, s->memory_raw[i].value);
  yajl_gen_map_close(g);
  oci_gen_key_u64(g, "oomKills", s->oom_kills);
  yajl_gen_map_close(g);
}

static void gen_blkio_list(yajl_gen g, const char *key,
                           const oci_blkio_entry *e, size_t n) {
  oci_gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++) {
    yajl_gen_map_open(g);
    oci_gen_key_u64(g, "major", e[i].major);
    oci_gen_key_u64(g, "minor", e[i].minor);
    oci_gen_key_str(g, "op", e[i].op);
    oci_gen_key_u64(g, "value", e[i].value);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
}

static void gen_rest(yajl_gen g, const oci_stats *s) {
  oci_gen_str(g, "pids");
  yajl_gen_map_open(g);
  oci_gen_key_u64(g, "current", s->pids_current);
  oci_gen_key_u64(g, "limit", s->pids_limit);
  yajl_gen_map_close(g);
  oci_gen_str(g, "blkio");
  yajl_gen_map_open(g);
  gen_blkio_list(g, "ioServiceBytesRecursive", s->io_service_bytes,
                 s->io_service_bytes_len);
  gen_blkio_list(g, "ioServicedRecursive", s->io_serviced, s->io_serviced_len);
  yajl_gen_map_close(g);
  oci_gen_str(g, "hugetlb");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < s->hugetlb_len; i++) {
    oci_gen_str(g, s->hugetlb[i].page_size);
    yajl_gen_map_open(g);
    oci_gen_key_u64(g, "usage", s->hugetlb[i].usage);
    oci_gen_key_u64(g, "max", s->hugetlb[i].max);
    oci_gen_key_u64(g, "failcnt", s->hugetlb[i].failcnt);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
}

char *oci_stats_event_emit(const char *type, const char *id,
                           const oci_stats *stats) {
  yajl_gen g = oci_gen_new(false);
  yajl_gen_map_open(g);
  oci_gen_key_str(g, "type", type);
  oci_gen_key_str(g, "id", id);
  if (stats) {
    oci_gen_str(g, "data");
    yajl_gen_map_open(g);
    gen_cpu(g, stats);
    gen_memory(g, stats);
    gen_rest(g, stats);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  return oci_gen_finish(g);
}

void oci_stats_clear(oci_stats *s) {
  free(s->cpu_percpu);
  for (size_t i = 0; i < s->memory_raw_len; i++)
    free(s->memory_raw[i].key);
  free(s->memory_raw);
  for (size_t i = 0; i < s->io_service_bytes_len; i++)
    free(s->io_service_bytes[i].op);
  free(s->io_service_bytes);
  for (size_t i = 0; i < s->io_serviced_len; i++)
    free(s->io_serviced[i].op);
  free(s->io_serviced);
  for (size_t i = 0; i < s->hugetlb_len; i++)
    free(s->hugetlb[i].page_size);
  free(s->hugetlb);
  *s = (oci_stats){0};
}
