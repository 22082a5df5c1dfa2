#include "json-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *oci_json_quote(const char *s) {
  size_t len = strlen(s);
  char *out = malloc(len * 6 + 3);
  if (out == NULL)
    abort();
  char *o = out;
  *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"':
      *o++ = '\\';
      *o++ = '"';
      break;
    case '\\':
      *o++ = '\\';
      *o++ = '\\';
      break;
    case '\n':
      *o++ = '\\';
      *o++ = 'n';
      break;
    case '\t':
      *o++ = '\\';
      *o++ = 't';
      break;
    case '\r':
      *o++ = '\\';
      *o++ = 'r';
      break;
    default:
      if (*p < 0x20)
        o += sprintf(o, "\\u%04x", *p);
      else
        *o++ = (char)*p;
    }
  }
  *o++ = '"';
  *o = '\0';
  return out;
}
