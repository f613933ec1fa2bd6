import CAllocCounter
import FastPath
import Glibc

// The forwarder alone, without libvirt or libssh2: the binary labrunner copies to hosts and guests.
// It links the malloc counter, so `show memory` and the benchmark can show the hot loop allocates nothing.
exit(FastPathMain.run(arguments: Array(CommandLine.arguments.dropFirst()), allocations: { cac_allocation_count() }))
