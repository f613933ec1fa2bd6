/// A container role on the virtual lab: which host namespace it lives in, and the volumes bound into it.
public struct ContainerPlan: Sendable {
    /// One `host_path:container_path` volume.
    public struct Volume: Sendable, Equatable {
        /// The path on the host.
        public var source: String
        /// Where the container sees it.
        public var target: String
    }

    /// The container role's name (also its hostname).
    public var name: String
    /// The host namespace the container shares the network of.
    public var namespace: String
    /// Its volumes, references resolved.
    public var volumes: [Volume]
    /// The host's hugepage mount (a volume of it gets a hugetlbfs of the container's own when the
    /// host has none mounted).
    public var hugepageMount: String?
    /// A directory of the container's own on the host (its pid file and log).
    public var directory: String
}
