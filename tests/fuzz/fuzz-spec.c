/* libFuzzer target: config.json is untrusted input. Every byte string
 * must either parse into a spec that survives emit, re-parse, dup and
 * free, or be refused with a message; never crash, leak or hang. */
#include "spec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_round_trip(const oci_spec *spec) {
  char *text = oci_spec_emit(spec, false);
  if (text == NULL)
    abort(); /* a parsed spec must always be emittable */
  oci_parse_error err = {0};
  oci_spec *again = oci_spec_parse(text, strlen(text), &err);
  /* What we emit we must read back: dockerd and runc read our output. */
  if (again == NULL)
    abort();
  char *text2 = oci_spec_emit(again, true);
  free(text2);
  oci_spec_free(again);
  oci_parse_error_clear(&err);
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  oci_parse_error err = {0};
  oci_spec *spec = oci_spec_parse((const char *)data, size, &err);
  if (spec == NULL) {
    if (err.msg == NULL)
      abort(); /* a refusal must say why */
    oci_parse_error_clear(&err);
    return 0;
  }
  check_round_trip(spec);
  oci_spec *copy = oci_spec_dup(spec);
  check_round_trip(copy);
  oci_spec_free(copy);
  oci_spec_free(spec);
  oci_parse_error_clear(&err);
  return 0;
}
