/// The best evidence of last use the data root holds offline, for containers, images and
/// volumes. Docker keeps no access time, so each figure is the latest of the times it does keep,
/// with the one it rests on (``LastUseSource``):
///
/// - a container: the scan's time while it runs (in use now), else the later of `StartedAt` and
///   `FinishedAt`, else `Created` (never started);
/// - an image: the latest of the last uses of the containers created from it, its tag time
///   (`imagedb/metadata/.../lastUpdated`) and its config's `created`;
/// - a volume: the latest of the last uses of the containers that mount it, and its directory's
///   modification time (the local driver's `CreatedAt`).
///
/// Times are written as RFC 3339 UTC: as Docker wrote them when they are UTC already (its own
/// nanoseconds kept), else converted to seconds precision.
enum LastUse {
    struct Evidence {
        var seconds: Int64
        var text: String
        var source: LastUseSource

        init?(_ text: String?, _ source: LastUseSource) {
            guard let text, let seconds = Timestamp.parse(text) else { return nil }
            self.seconds = seconds
            self.text = text.hasSuffix("Z") ? text : Timestamp.iso8601(seconds)
            self.source = source
        }

        init(seconds: Int64, source: LastUseSource) {
            self.seconds = seconds
            self.text = Timestamp.iso8601(seconds)
            self.source = source
        }

        /// The later one; at the same second the first given (the stronger evidence).
        static func latest(_ candidates: [Evidence?]) -> Evidence? {
            candidates.compactMap { $0 }.reduce(nil) { best, next in
                guard let best else { return next }
                return next.seconds > best.seconds ? next : best
            }
        }
    }

    static func fill(images: inout [ImageUsage], containers: inout [ContainerUsage], model: DataRootModel, scannedAt: String) {
        var byContainer: [String: Evidence] = [:]
        for index in containers.indices {
            let container = containers[index]
            let evidence: Evidence?
            if [.running, .paused, .restarting].contains(container.state) {
                evidence = Evidence(scannedAt, .running)
            } else {
                evidence = Evidence.latest([Evidence(container.finishedAt, .finished), Evidence(container.startedAt, .started)])
                    ?? Evidence(container.created, .created)
            }
            containers[index].lastUsedAt = evidence?.text
            containers[index].lastUsedSource = evidence?.source
            byContainer[container.id] = evidence
        }
        for index in images.indices {
            let image = images[index]
            let used = Evidence.latest(image.containers.map { byContainer[$0].map { Evidence(seconds: 0, source: .container).with($0) } ?? nil })
            let stored = model.images[image.id]
            let evidence = Evidence.latest([used, Evidence(stored?.lastTagged, .tagged), Evidence(image.created, .created)])
            images[index].lastUsedAt = evidence?.text
            images[index].lastUsedSource = evidence?.source
        }
    }

    static func fill(volumes: inout [VolumeUsage], containers: [ContainerUsage], model: DataRootModel) {
        var byContainer: [String: Evidence] = [:]
        for container in containers {
            if let text = container.lastUsedAt, let evidence = Evidence(text, .container) { byContainer[container.id] = evidence }
        }
        for index in volumes.indices {
            let volume = volumes[index]
            let created = model.volumes[volume.name]?.createdSeconds.map { Evidence(seconds: $0, source: .created) }
            let evidence = Evidence.latest(volume.containers.map { byContainer[$0] } + [created])
            volumes[index].lastUsedAt = evidence?.text
            volumes[index].lastUsedSource = evidence?.source
        }
    }
}

private extension LastUse.Evidence {
    /// `other`'s time, this one's source.
    func with(_ other: LastUse.Evidence) -> LastUse.Evidence {
        var copy = other
        copy.source = source
        return copy
    }
}
