import Foundation
import Scenarios
import Testing

@testable import LabrunnerKit

/// The search plot from a generator's report, whatever numbers the report holds.
@Suite struct ReportTests {
    private func record(_ json: String) throws -> SearchRecord {
        let report = try #require(JSONValue(parsing: json))
        return try #require(SearchRecord(step: "s<1>", report: report))
    }

    @Test func aSearchPlotHasAPointPerTrialAndEscapesTheStep() throws {
        let search = try record(
            """
            {"ndr": 9000, "ndr_loss": 0, "pdr": 11000, "pdr_loss": 0.5, "seconds": 21.5, "trial_log": [
              {"rate": 20000, "duration": 1, "sent": 20000, "received": 9000, "loss": 55, "phase": 0},
              {"rate": 10000, "duration": 1, "sent": 10000, "received": 9990, "loss": 0.1, "phase": 0},
              {"rate": 9000, "duration": 10, "sent": 90000, "received": 90000, "loss": 0, "phase": 1}]}
            """)
        #expect(search.goals.map(\.name) == ["ndr", "pdr"] && search.goals[1].lossPercent == 0.5)
        let svg = SearchPlot(record: search).svg
        #expect(svg.components(separatedBy: "<circle class=\"trial\"").count - 1 == 3)
        #expect(svg.contains("step s&lt;1&gt;") && !svg.contains("s<1>"))
        #expect(svg.contains("NDR 9.00 kpps") && svg.contains("PDR 11.0 kpps"))
    }

    @Test func hostileNumbersDrawWithoutTrappingOrNaN() throws {
        let search = try record(
            """
            {"ndr": 0, "seconds": -1, "trial_log": [{"rate": 0, "duration": 0, "sent": 1e30, "received": -4, "phase": 1e300},
              {"rate": -5, "duration": 1, "sent": 0, "received": 0, "phase": -2}]}
            """)
        #expect(search.trials[0].sent == .max && search.trials[0].received == 0 && search.trials[0].phase == 1000)
        let svg = SearchPlot(record: search).svg
        #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"), "\(svg)")
        let empty = try #require(JSONValue(parsing: #"{"ndr": 1, "trial_log": []}"#))
        #expect(SearchRecord(step: "s", report: empty) == nil)
    }
}
