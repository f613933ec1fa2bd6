/// A generated scenario shaped like the real ones, scaled to any number of steps: two hosts with a
/// VM each, a forwarder, sessions, and steps in chains of eight that fan in, with expectations and captures.
package struct SyntheticScenario {
    package let steps: Int

    /// Creates it from its parts.
    package init(steps: Int) {
        self.steps = steps
    }

    package var text: String {
        var y = """
            name: synthetic
            title: Generated scenario for the compile benchmark
            params:
              frame_size: {type: int, default: 64, min: 64, max: 9000}
              nic: {type: enum, values: [niantic, fortville], default: niantic}
            roles:
              host_server_1: {kind: host, cores: 0-7, memory: 16GiB}
              host_server_2: {kind: host, cores: 0-7, memory: 16GiB}
              vm1:
                kind: vm
                host: host_server_1
                memory: 1024MiB
                vcpus: 2
                pin: 2-3
                backing: {type: memfd, share: true}
                nics:
                  - {id: net1, type: vhost-user, socket: /tmp/sock1, mac: "52:54:00:00:00:01"}
              fwd:
                kind: forwarder
                on: host_server_1
                lcores: 0-1
                vdevs: ["net_vhost0,iface=/tmp/sock1"]
                args: -i
            sessions:
              t1: {on: host_server_1}
              t2: {on: host_server_2}
            steps:

            """
        for i in 0..<steps {
            y += "  - id: s\(i)\n"
            if i % 8 != 0 { y += "    after: [s\(i - 1)]\n" } else if i >= 8 { y += "    after: [s\(i - 8), s\(i - 1)]\n" }
            switch i % 4 {
            case 0:
                y += "    on: host_server_\(i % 2 + 1)\n    run: echo step \(i) ${frame_size}\n    expect: {exit: 0, contains: step}\n"
            case 1:
                y += "    on: t1\n    send: show port stats all\n    capture:\n      c\(i): {parse: port-stats}\n"
            case 2:
                y +=
                    "    on: fwd\n    fastpath: show port stats all\n    when: ${nic} == niantic\n    expect:\n      that:\n        - {delta: c\(i - 1).0.rx_packets, since: c\(i - 1), ge: 0}\n"
            default:
                y += "    on: vm1\n    hmp: info status\n    expect: {contains: running}\n    timeout: 5s\n"
            }
        }
        return y
    }
}
