#ifndef LABRUNNER_CALLOCCOUNTER_H
#define LABRUNNER_CALLOCCOUNTER_H

// A malloc counter for the FastPath executable: it defines malloc, calloc and realloc, counts each
// call, and forwards to glibc's own entry points. Linked only into the `fastpath` executable, so
// `show fwd allocations` and the benchmark can prove the hot loop allocates nothing.

#include <stdint.h>

/// Calls to malloc, calloc and realloc since the process started (every thread).
uint64_t cac_allocation_count(void);

/// Whether this process counts (the counter is linked in).
int cac_is_counting(void);

#endif
