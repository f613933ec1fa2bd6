extension Duration {
    /// This duration as poll()'s timeout: whole milliseconds, none below 0 or past Int32.
    var pollMilliseconds: Int32 {
        max(0, Int32(clamping: components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000))
    }
}
