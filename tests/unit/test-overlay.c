/* STUB: replaced by its owner. */
#include "unit.h"
int main(void) { return UNIT_DONE(); }
