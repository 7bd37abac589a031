import CSystemShims
import Glibc

/// Facts about this process and its terminal; the only place the rest of dockdu asks them.
public enum ProcessEnvironment {
    /// `geteuid(2) == 0`.
    public static var isRoot: Bool { geteuid() == 0 }

    /// `isatty(3)` of a standard descriptor (0, 1 or 2).
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The processors this process may run on: its CPU affinity (`taskset`, systemd's
    /// `CPUAffinity=`, a container's cpuset), as `nproc` counts them; else those online.
    public static var processorCount: Int {
        var mask = [UInt64](repeating: 0, count: 128)  // 8,192 CPUs
        let written = mask.withUnsafeMutableBytes { dockdu_sched_getaffinity($0.baseAddress, $0.count) }
        let allowed = written > 0 ? mask.reduce(0) { $0 + $1.nonzeroBitCount } : 0
        return allowed > 0 ? allowed : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The environment variable `name`, if set (`getenv(3)`).
    public static func variable(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Raises the soft limit on open descriptors to the hard limit (`setrlimit(RLIMIT_NOFILE)`),
    /// so that deep trees can keep a descriptor open for each level being walked. Returns the limit
    /// now in force.
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Seconds on a monotonic clock (`clock_gettime(CLOCK_MONOTONIC)`), for measuring a scan.
    public static var monotonicSeconds: Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Seconds since the epoch (`clock_gettime(CLOCK_REALTIME)`).
    public static var unixTime: Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }

    /// Writes all of `bytes` to a standard descriptor, retrying short writes and `EINTR`; the
    /// error when it cannot (a full disk, a closed pipe).
    @discardableResult
    public static func write(_ bytes: [UInt8], to descriptor: Int32) -> Errno? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return Errno.current
                }
                offset += written
            }
            return nil
        }
    }

    /// Ends the process with `status` (`exit(3)`).
    public static func exit(_ status: Int32) -> Never { Glibc.exit(status) }
}
