#ifndef HD_UTILS_H
#define HD_UTILS_H

#include "error.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Whole-file helpers relative to a directory fd (AT_FDCWD for paths). */
int hd_read_file_at(int dirfd, const char *path, size_t max, char **out,
                    size_t *len, hd_error_t *err);
/* Write atomically: a temporary file, fsync-free rename over `path`. */
int hd_write_file_atomic_at(int dirfd, const char *path, const char *data,
                            size_t len, mode_t mode, hd_error_t *err);
int hd_write_file(const char *path, const char *data, hd_error_t *err);

/* Field 22 of /proc/PID/stat (start time in clock ticks): with the pid it
 * names one process across pid reuse. 0 when the process is gone. */
uint64_t hd_process_start_time(pid_t pid);
/* Alive and not a zombie, and (when start_time != 0) the same process. */
bool hd_process_alive(pid_t pid, uint64_t start_time);

/* RFC 3339 UTC timestamp with nanoseconds, malloc'd. */
char *hd_now_rfc3339(void);

/* Make `path` absolute against the cwd (no symlink resolution). */
char *hd_absolute_path(const char *path);

#endif
