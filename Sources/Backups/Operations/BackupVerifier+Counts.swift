import Firestore
import Foundation

extension BackupVerifier {
    struct CountComparison {
        var source: VerificationReport.CountSource
        var note: String
        var findings: [VerificationReport.Finding] = []
        var notes: [String] = []
        /// Firestore's total per root collection, summed over its parent collections.
        var totals: [String: Int] = [:]
    }

    /// Counts every parent collection the file holds (and the root collection even when empty),
    /// at the readTime when it is still readable, else live.
    func compareCounts(_ files: [(entry: BackupManifest.CollectionEntry, counts: [String: Int])], readTime: Timestamp,
                       now: Timestamp, reader: any SnapshotReader) async throws -> CountComparison {
        var atReadTime = window.contains(readTime, now: now)
        var comparison = CountComparison(
            source: atReadTime ? .readTime : .live,
            note: atReadTime
                ? "counted at the backup's readTime \(readTime.rfc3339) (\(window.source))"
                : "readTime \(readTime.rfc3339) is outside the point-in-time window (\(window.source)); compared with live counts")
        for (entry, counts) in files {
            var total = 0
            let parents = Set(counts.keys).union([entry.collection]).sorted()
            for parent in parents {
                let expected = counts[parent, default: 0]
                let actual: Int
                do {
                    actual = try await reader.count(collection: parent, readTime: atReadTime ? readTime : nil)
                } catch let error as FirestoreError where atReadTime && Self.isVersionTooOld(error) {
                    // The window was shorter than we were told: fall back to live counts, say so.
                    atReadTime = false
                    comparison.source = .live
                    comparison.note = "Firestore refused readTime \(readTime.rfc3339) (\(error.code.rawValue): \(error.message)); compared with live counts"
                    actual = try await reader.count(collection: parent, readTime: nil)
                }
                total += actual
                guard actual != expected else { continue }
                if atReadTime {
                    comparison.findings.append(.init(file: entry.file, message:
                        "\(parent): \(expected) documents in the backup but Firestore counts \(actual) at readTime \(readTime.rfc3339)"))
                } else {
                    comparison.notes.append("\(parent): \(expected) documents in the backup, \(actual) live now (a difference is expected after writes since the backup)")
                }
            }
            comparison.totals[entry.collection] = total
        }
        return comparison
    }

    /// Errors Firestore gives for a readTime it no longer (or never) keeps.
    static func isVersionTooOld(_ error: FirestoreError) -> Bool {
        switch error.code {
        case .failedPrecondition, .invalidArgument, .outOfRange: true
        default: false
        }
    }
}
