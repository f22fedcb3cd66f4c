import Firestore
import Foundation

// firestore-bench: the Swift side of Benchmarks/firestore/run.sh. Each command prints one JSON
// line of figures, so the script can put them beside the official Python client's.
//
//   firestore-bench write  --host H --project P --mode batchWrite|commit --concurrency N --docs M [--batch B]
//   firestore-bench read   --host H --project P --collection C [--page P]
//   firestore-bench stream --host H --project P --collection C [--page P] [--every N]
//   firestore-bench decode [--docs M]

let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? ""
let options: [String: String] = {
    var parsed: [String: String] = [:]
    var index = 1
    while index + 1 < arguments.count {
        parsed[String(arguments[index].drop { $0 == "-" })] = arguments[index + 1]
        index += 2
    }
    return parsed
}()

nonisolated func option(_ name: String, _ fallback: String? = nil) -> String {
    guard let value = options[name] ?? fallback else {
        FileHandle.standardError.write(Data("firestore-bench: missing --\(name)\n".utf8))
        exit(2)
    }
    return value
}

nonisolated func intOption(_ name: String, _ fallback: Int) -> Int { Int(option(name, String(fallback))) ?? fallback }

/// Adds the process's CPU seconds (user + system): how much of the work was ours, not the emulator's.
func emit(_ figures: [String: JSON]) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    var all = figures
    all["clientCPUSeconds"] = .number(String(format: "%.2f", cpu))
    print(JSON.object(all).text)
}

func client() -> FirestoreClient {
    FirestoreClient.emulator(host: option("host"), projectID: option("project"), maxConnections: 64)
}

do {
    switch command {
    case "write":
        let mode = option("mode")
        let result = try await Workloads.write(
            client: client(), collection: option("collection", "bench_\(mode)_\(intOption("concurrency", 1))"),
            useBatchWrite: mode == "batchWrite", concurrency: intOption("concurrency", 1), documents: intOption("docs", 10_000),
            batch: intOption("batch", 100))
        emit(["workload": .string("write"), "mode": .string(mode), "concurrency": .int(intOption("concurrency", 1)),
              "docs": .int(result.documents), "seconds": .number(String(format: "%.3f", result.seconds)),
              "docsPerSecond": .int(Int(Double(result.documents) / result.seconds))])
    case "read":
        let result = try await Workloads.read(client: client(), collection: option("collection"), pageSize: intOption("page", 1000))
        emit(["workload": .string("read"), "docs": .int(result.documents), "seconds": .number(String(format: "%.3f", result.seconds)),
              "docsPerSecond": .int(Int(Double(result.documents) / result.seconds))])
    case "stream":
        let samples = try await Workloads.stream(
            client: client(), collection: option("collection"), pageSize: intOption("page", 1000), every: intOption("every", 20_000))
        emit(["workload": .string("stream"),
              "rssMiB": .array(samples.map { .object(["docs": .int($0.documents), "rssMiB": .number(String(format: "%.1f", $0.rssMiB))]) })])
    case "decode":
        let result = try Workloads.decode(documents: intOption("docs", 100_000))
        emit(["workload": .string("decode"), "docs": .int(result.documents), "bytes": .int(result.bytes),
              "docsPerSecond": .int(Int(Double(result.documents) / result.seconds)),
              "MBPerSecond": .number(String(format: "%.1f", Double(result.bytes) / result.seconds / 1e6)),
              "parseShare": .number(String(format: "%.2f", Workloads.parseSeconds / result.seconds)),
              "jsonSerializationParseOnlyDocsPerSecond": .int(Int(Double(result.documents) / result.foundationSeconds))])
    default:
        FileHandle.standardError.write(Data("firestore-bench: unknown command \"\(command)\" (write, read, stream, decode)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("firestore-bench \(command) failed: \(error)\n".utf8))
    exit(1)
}
