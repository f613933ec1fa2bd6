import Foundation

/// A table as the summaries print it: plain text with aligned columns (the last not padded), or Markdown.
struct TextTable {
    let header: [String]
    let rows: [[String]]

    /// Aligned columns, two spaces apart.
    var plain: String {
        let lines = [header] + rows
        let widths = header.indices.map { i in lines.map { $0[i].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { i, cell in i == line.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// The same as an HTML table, every cell escaped.
    var html: String {
        let head = "<tr>" + header.map { "<th>\(MarkupText.escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\(MarkupText.escape($0))</td>" }.joined() + "</tr>" }
        return "<table>\n" + ([head] + body).joined(separator: "\n") + "\n</table>"
    }

    /// The same in Markdown, one line each.
    var markdown: [String] {
        ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: header.count)]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" }
    }
}
