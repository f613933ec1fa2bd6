/// A container role (the virtio_user how-to's Docker container).
public struct ContainerSpec: Sendable {
    /// The host role.
    public var host: Located<String>
    /// Image.
    public var image: String?
    /// host_path:container_path mounts.
    public var volumes: [Located<String>]
    /// Working directory.
    public var workdir: String?

    /// The host path a container path maps to through the volumes, if any.
    public func hostPath(for containerPath: String) -> String? {
        for volume in volumes {
            let parts = volume.value.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count >= 2 else { continue }
            if containerPath == parts[1] { return parts[0] }
            if containerPath.hasPrefix(parts[1] + "/") { return parts[0] + containerPath.dropFirst(parts[1].count) }
        }
        return nil
    }
}
