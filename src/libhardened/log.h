/* Runtime log: text or one JSON object a line (`level`, `msg`, `time`),
 * to --log FILE or stderr. containerd's shim reads the last
 * "level":"error" line of the log file and shows it to the user. */
#ifndef HD_LOG_H
#define HD_LOG_H

#include <stdbool.h>

typedef enum { HD_LOG_DEBUG, HD_LOG_INFO, HD_LOG_WARN, HD_LOG_ERROR } hd_log_level;

/* path NULL = stderr only. json selects --log-format json. */
int hd_log_init(const char *path, bool json, bool debug);
void hd_log(hd_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define hd_debug(...) hd_log(HD_LOG_DEBUG, __VA_ARGS__)
#define hd_info(...) hd_log(HD_LOG_INFO, __VA_ARGS__)
#define hd_warn(...) hd_log(HD_LOG_WARN, __VA_ARGS__)
/* The one place an error is printed: "hardened: <msg>" on stderr, and a
 * JSON/text line in the log file when one is set. */
void hd_log_error_once(const char *msg);

#endif
