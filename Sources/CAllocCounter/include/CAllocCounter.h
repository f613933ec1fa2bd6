#ifndef LABRUNNER_CALLOCCOUNTER_H
#define LABRUNNER_CALLOCCOUNTER_H

// A malloc counter for the FastPath executable: it defines malloc, calloc and realloc, counts each
// call, and forwards to glibc's own entry points. Linked only into the `fastpath` executable, so
// `show memory` and the benchmark can prove the hot loop allocates nothing.

#include <stdint.h>

/// Calls to malloc, calloc and realloc since the process started (every thread).
uint64_t cac_allocation_count(void);

/// Calls to malloc, calloc and realloc made by the calling thread.
uint64_t cac_thread_allocation_count(void);

#endif
