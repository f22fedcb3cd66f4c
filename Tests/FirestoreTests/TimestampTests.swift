import Foundation
import Testing
@testable import Firestore

@Suite struct TimestampTests {
    @Test func formatsWithGroupsOfThreeFractionDigits() {
        #expect(Timestamp(seconds: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1_709_287_200, nanos: 100_000_000).rfc3339 == "2024-03-01T10:00:00.100Z")
        #expect(Timestamp(seconds: 1_709_287_200, nanos: 120_000).rfc3339 == "2024-03-01T10:00:00.000120Z")
        #expect(Timestamp(seconds: -1, nanos: 1).rfc3339 == "1969-12-31T23:59:59.000000001Z")
        #expect(Timestamp(seconds: Timestamp.minSeconds).rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Timestamp(seconds: Timestamp.maxSeconds).rfc3339 == "9999-12-31T23:59:59Z")
        #expect(Timestamp(seconds: 951_782_400).rfc3339 == "2000-02-29T00:00:00Z")
    }

    @Test func parsesOffsetsAndFractions() throws {
        #expect(try Timestamp(rfc3339: "2024-03-01T10:00:00Z") == Timestamp(seconds: 1_709_287_200))
        #expect(try Timestamp(rfc3339: "2024-03-01T11:30:00+01:30") == Timestamp(seconds: 1_709_287_200))
        #expect(try Timestamp(rfc3339: "2024-03-01T10:00:00.5Z") == Timestamp(seconds: 1_709_287_200, nanos: 500_000_000))
        #expect(try Timestamp(rfc3339: "1969-12-31T23:59:59.999999999Z") == Timestamp(seconds: -1, nanos: 999_999_999))
    }

    @Test func rejectsBadTextWithAReason() {
        for bad in ["", "2024-03-01", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-03-01T24:00:00Z",
                    "2024-03-01T10:00:00", "2024-03-01T10:00:00.Z", "2024-03-01T10:00:00.1234567890Z", "2024-03-01T10:00:00Zjunk"] {
            #expect(throws: TimestampParseError.self, "accepted \(bad)") { try Timestamp(rfc3339: bad) }
        }
    }

    @Test func everyDayRoundTrips() throws {
        var seconds = Timestamp.minSeconds
        while seconds <= Timestamp.maxSeconds {
            let t = Timestamp(seconds: seconds, nanos: Int32(truncatingIfNeeded: seconds & 0x3FFF_FFFF) % 1_000_000_000)
            #expect(try Timestamp(rfc3339: t.rfc3339) == t)
            seconds += 86_400 * 97 + 3_601
        }
    }

    @Test func agreesWithFoundationFormatting() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for seconds in stride(from: Int64(-2_000_000_000), to: 4_000_000_000, by: 123_456_789) {
            #expect(Timestamp(seconds: seconds).rfc3339 == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))))
        }
    }
}
