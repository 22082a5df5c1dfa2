#ifndef HD_TERMINAL_H
#define HD_TERMINAL_H

#include "error.h"
#include "spec.h"

/* Connect to the --console-socket (host side, before the container
 * exists). Returns the connected fd. */
int hd_console_socket_connect(const char *path, hd_error_t *err);
/* Inside the container after pivot: open a pty from /dev/ptmx, set its
 * size from process.consoleSize, send the master over `socket_fd`
 * (SCM_RIGHTS), make the slave the controlling tty and stdio. */
int hd_terminal_setup(int socket_fd, const oci_process *process,
                      hd_error_t *err);

/* For a pty whose other end is the caller's own terminal (run and exec
 * in the foreground without --console-socket): that terminal translates
 * newlines already, and a second translation in the pty would hand every
 * line over as CRLF, not as the process wrote it (runc clears ONLCR on
 * the master it gets, too). fd: either end of the pty. */
void hd_terminal_clear_onlcr(int fd);

#endif
