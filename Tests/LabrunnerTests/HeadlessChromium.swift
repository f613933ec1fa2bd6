import Foundation

/// A page as headless Chromium renders it (Debian's chromium-headless-shell): its DOM once loaded,
/// scripts run and images decoded, and a screenshot.
enum HeadlessChromium {
    static let binary = "/usr/bin/chromium-headless-shell"

    /// The serialized DOM of `page` after its load event.
    static func dom(_ page: URL) -> String {
        CLI.shell("timeout 60 \(binary) --no-sandbox --disable-gpu --allow-file-access-from-files --dump-dom 'file://\(page.path)' 2>/dev/null")
    }

    /// A PNG screenshot of `page`, `width` × `height` pixels, written to `output`; whether it was.
    static func screenshot(_ page: URL, to output: URL, width: Int = 1200, height: Int = 2400) -> Bool {
        _ = CLI.shell(
            "timeout 60 \(binary) --no-sandbox --disable-gpu --hide-scrollbars --window-size=\(width),\(height) --screenshot='\(output.path)' 'file://\(page.path)' 2>/dev/null"
        )
        return ((try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0) > 10_000
    }
}
