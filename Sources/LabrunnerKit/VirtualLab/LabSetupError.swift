/// Why the virtual lab could not be built or a part of it started (namespaces, veths, sshd, libvirtd,
/// containers, the guest image).
struct LabSetupError: Error, CustomStringConvertible {
    /// What went wrong, said after "cannot set up the lab: ".
    let problem: String

    init(_ problem: String) { self.problem = problem }

    var description: String { "cannot set up the lab: \(problem)" }
}
