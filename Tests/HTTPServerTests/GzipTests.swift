import Foundation
import Gzip
import Testing

@Suite("Gzip streams over zlib")
struct GzipTests {
    /// Text-like data that compresses well, plus a seeded pseudo-random tail that does not.
    static func sample(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
        var state = seed
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        let words = Array("migration backup trades conversations notifications schemaVersion ".utf8)
        while bytes.count < count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if bytes.count < count / 2 {
                bytes.append(words[Int(state >> 33) % words.count])
            } else {
                bytes.append(UInt8(truncatingIfNeeded: state >> 29))
            }
        }
        return bytes
    }

    @Test("round trip", arguments: [0, 1, 100, 65_537, 1_000_000])
    func roundTrip(size: Int) throws {
        let input = Self.sample(size)
        let compressed = try Gzip.compress(input)
        #expect(Gzip.looksLikeGzip(compressed))
        #expect(try Gzip.decompress(compressed) == input)
    }

    @Test func compressesRepetitiveText() throws {
        let input = Array(String(repeating: "{\"schemaVersion\":2}\n", count: 5_000).utf8)
        let compressed = try Gzip.compress(input)
        #expect(compressed.count < input.count / 20)
    }

    @Test func streamingEncoderInSmallPiecesMatchesInput() throws {
        let input = Self.sample(200_000, seed: 7)
        let encoder = try GzipEncoder(level: 9, chunkSize: 100)
        var compressed: [UInt8] = []
        var offset = 0
        var step = 1
        while offset < input.count {
            let end = min(input.count, offset + step)
            compressed += try encoder.append(Array(input[offset..<end]))
            offset = end
            step = step * 3 % 5_003 + 1
        }
        compressed += try encoder.finish()
        #expect(try Gzip.decompress(compressed) == input)
    }

    @Test func flushMakesEverythingSoFarDecodable() throws {
        let encoder = try GzipEncoder()
        let decoder = try GzipDecoder()
        let first = Array("event: progress\ndata: 1\n\n".utf8)
        let partial = try encoder.append(first) + encoder.flush()
        #expect(try decoder.append(partial) == first)
        let second = Array("event: progress\ndata: 2\n\n".utf8)
        let rest = try encoder.append(second) + encoder.finish()
        #expect(try decoder.append(rest) == second)
        try decoder.finish()
    }

    @Test func decoderFedOneByteAtATime() throws {
        let input = Self.sample(20_000, seed: 3)
        let compressed = try Gzip.compress(input)
        let decoder = try GzipDecoder(chunkSize: 64)
        var output: [UInt8] = []
        for byte in compressed { output += try decoder.append([byte]) }
        try decoder.finish()
        #expect(output == input)
    }

    @Test func concatenatedMembersDecodeAsOneStream() throws {
        let a = Array("first file\n".utf8), b = Array("second file\n".utf8)
        let joined = try Gzip.compress(a) + Gzip.compress(b)
        #expect(try Gzip.decompress(joined) == a + b)
    }

    @Test func truncatedStreamIsReported() throws {
        let compressed = try Gzip.compress(Self.sample(10_000))
        let error = #expect(throws: GzipError.self) { try Gzip.decompress(Array(compressed.dropLast(5))) }
        #expect(error?.kind == .truncated)
        #expect(error?.description.contains("cut short") == true)
    }

    @Test func emptyInputIsTruncated() {
        let error = #expect(throws: GzipError.self) { try Gzip.decompress([]) }
        #expect(error?.kind == .truncated)
    }

    @Test func corruptCRCIsReported() throws {
        var compressed = try Gzip.compress(Self.sample(10_000))
        compressed[compressed.count - 6] ^= 0xff  // inside the CRC32 trailer
        let error = #expect(throws: GzipError.self) { try Gzip.decompress(compressed) }
        #expect(error?.kind == .corruptData)
        #expect(error?.description.contains("incorrect data check") == true)
    }

    @Test func plainTextIsNotGzip() {
        let error = #expect(throws: GzipError.self) { try Gzip.decompress(Array("{\"not\": \"gzip\"}".utf8)) }
        #expect(error?.kind == .corruptData)
    }

    @Test func rawZlibIsRejected() throws {
        // A zlib (RFC 1950) header, not gzip: 78 9c.
        let error = #expect(throws: GzipError.self) { try Gzip.decompress([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) }
        #expect(error?.kind == .corruptData)
    }

    @Test func outputLimitStopsABomb() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 4_000_000))
        #expect(bomb.count < 10_000)
        let error = #expect(throws: GzipError.self) { try Gzip.decompress(bomb, maxOutput: 1_000_000) }
        #expect(error?.kind == .outputLimitExceeded)
    }

    @Test func misuseIsAnError() throws {
        #expect(throws: GzipError.self) { try GzipEncoder(level: 12) }
        let encoder = try GzipEncoder()
        _ = try encoder.finish()
        let error = #expect(throws: GzipError.self) { try encoder.append([1, 2, 3]) }
        #expect(error?.kind == .alreadyFinished)
        let decoder = try GzipDecoder()
        _ = try decoder.append(Gzip.compress([1]))
        try decoder.finish()
        #expect(throws: GzipError.self) { try decoder.finish() }
    }

    // MARK: independent implementations

    @Test func ourOutputDecodesWithTheGzipCommand() throws {
        let input = Self.sample(300_000, seed: 11)
        let output = try ExternalProcess.run("/bin/sh", ["-c", "gzip -dc"], stdin: Gzip.compress(input))
        #expect(output.status == 0)
        #expect(output.stdout == input)
    }

    @Test func ourOutputDecodesWithPythonGzip() throws {
        let input = Self.sample(100_000, seed: 12)
        let script = "import gzip,sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))"
        let output = try ExternalProcess.run("/usr/bin/env", ["python3", "-c", script], stdin: Gzip.compress(input))
        #expect(output.status == 0)
        #expect(output.stdout == input)
    }

    @Test func gzipCommandOutputDecodesWithOurs() throws {
        let input = Self.sample(150_000, seed: 13)
        let output = try ExternalProcess.run("/bin/sh", ["-c", "gzip -c -9"], stdin: input)
        #expect(output.status == 0)
        #expect(try Gzip.decompress(output.stdout) == input)
    }
}

/// Runs a helper program (gzip, python3, openssl) and collects its output; tests use it to check
/// our bytes against independent implementations.
enum ExternalProcess {
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], stdin: [UInt8] = []) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Write and read on separate threads so a large input cannot deadlock on full pipes.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errData = LockedData()
        let errReader = Thread { errData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        errReader.start()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1_000) }
        return Output(status: process.terminationStatus, stdout: Array(outData), stderr: String(decoding: errData.value, as: UTF8.self))
    }

    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var done = false
        func set(_ d: Data) { lock.lock(); data = d; done = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
        var value: Data { lock.lock(); defer { lock.unlock() }; return data }
    }
}
