/* Small JSON helpers shared by libocispec and the runtime's log writer. */
#ifndef OCI_JSON_UTIL_H
#define OCI_JSON_UTIL_H

/* s as a quoted, escaped JSON string. malloc'd; never NULL. */
char *oci_json_quote(const char *s);

#endif
