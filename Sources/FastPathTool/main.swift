import CAllocCounter
import FastPath
import FastPathCLI
import Glibc

// The forwarder, its pdump client and the traffic generator, without libvirt or libssh2: the binary
// labrunner copies to hosts and guests. It links the malloc counter, so `show memory` and the benchmark
// show what the forwarding loops allocate.
let counter = AllocationCounter(process: { cac_allocation_count() }, thread: { cac_thread_allocation_count() })
exit(StandaloneCommand.main(arguments: CommandLine.arguments, allocations: counter))
