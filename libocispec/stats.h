/* Container statistics, as `events` prints them: the shape of runc's
 * events JSON ({"type":"stats","id":...,"data":{cpu, memory, pids,
 * blkio, hugetlb}}), which tools built for runc read. */
#ifndef OCI_STATS_H
#define OCI_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *key;
  uint64_t value;
} oci_stat_kv;

typedef struct {
  uint64_t major, minor;
  char *op; /* "Read", "Write", "Sync", "Async", "Total" ... */
  uint64_t value;
} oci_blkio_entry;

typedef struct {
  char *page_size;
  uint64_t usage, max, failcnt;
} oci_hugetlb_stat;

typedef struct {
  uint64_t usage, max, failcnt, limit;
} oci_memory_entry;

typedef struct {
  /* cpu, nanoseconds */
  uint64_t cpu_total, cpu_kernel, cpu_user;
  uint64_t *cpu_percpu;
  size_t cpu_percpu_len;
  uint64_t throttling_periods, throttled_periods, throttled_time;
  /* memory, bytes */
  oci_memory_entry memory, swap, kernel;
  uint64_t memory_cache;
  oci_stat_kv *memory_raw; /* memory.stat as it is */
  size_t memory_raw_len;
  uint64_t oom_kills;
  /* pids (limit 0: unlimited) */
  uint64_t pids_current, pids_limit;
  oci_blkio_entry *io_service_bytes;
  size_t io_service_bytes_len;
  oci_blkio_entry *io_serviced;
  size_t io_serviced_len;
  oci_hugetlb_stat *hugetlb;
  size_t hugetlb_len;
} oci_stats;

/* One events line: {"type":type,"id":id,"data":stats}. */
char *oci_stats_event_emit(const char *type, const char *id,
                           const oci_stats *stats);
void oci_stats_clear(oci_stats *s);

#endif
