/// What every Docker data root holds whatever its image store: `containers/<id>/` (config, logs)
/// and `volumes/<name>/`.
///
/// ```
/// containers/<id>/<id>-json.log*    logs, also local-logs/ and container-cached.log*
/// containers/<id>/…                 container
/// containers/<anything new>         appeared during the scan
/// volumes/<name>/_data              volume
/// volumes/<name>/…, volumes/metadata.db   volume rest, other
/// ```
enum DockerRootRules: StoreRules {
    static func register(_ model: DataRootModel, into rules: inout OwnershipRules) {
        var containerNodes: [[UInt8]: WalkNode] = [:]
        for container in model.containers.values.sorted(by: { $0.id < $1.id }) where container.hasDirectory {
            let idBytes = Array(container.id.utf8)
            if container.isStrayDirectory {
                containerNodes[idBytes] = .owned(slot: rules.addOrphan(Array("containers/".utf8) + idBytes, .containerDirectory))
            } else {
                let rest = rules.slot(.containerRest(id: container.id))
                let logs = rules.slot(.containerLogs(id: container.id))
                containerNodes[idBytes] = rules.directory(ContainerDirectory(id: idBytes, rest: rest, logs: logs), slot: rest)
            }
        }
        rules.claim("containers", in: .dataRoot, rules.directory(NamedEntries(containerNodes, otherwise: .owned(slot: rules.appearedSlot)), slot: rules.otherSlot))

        var volumeNodes: [[UInt8]: WalkNode] = [:]
        for volume in model.volumes.values.sorted(by: { $0.name < $1.name }) {
            let data = rules.slot(.volumeData(name: volume.name))
            let rest = rules.slot(.volumeRest(name: volume.name))
            volumeNodes[Array(volume.name.utf8)] = rules.directory(NamedEntries(named: ["_data": .owned(slot: data)], otherwise: .owned(slot: rest)), slot: rest)
        }
        rules.claim("volumes", in: .dataRoot, rules.directory(NamedEntries(volumeNodes, otherwise: .owned(slot: rules.otherSlot)), slot: rules.otherSlot))
    }
}

/// `containers/<id>/`: its log files, and the rest.
struct ContainerDirectory: BranchRule {
    var id: [UInt8]
    var rest: Int32
    var logs: Int32

    func child(named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        .owned(slot: ContainerLogFiles.isLog(name, containerID: id) ? logs : rest)
    }
}
