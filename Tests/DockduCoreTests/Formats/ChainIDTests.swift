import Testing

@testable import DockduCore

@Suite struct ChainIDTests {
    @Test func noLayersGiveNoChains() {
        #expect(ChainID.chain(of: []).isEmpty)
    }

    @Test func bottomLayersChainIsItsDiffID() {
        let diffID = "sha256:fe441d6673b17f3bb674a3ef8331432bf90a1061ad3bd25e8c0d1354d183eb73"
        #expect(ChainID.chain(of: [diffID]) == [diffID])
    }

    // Diff IDs are the digests of three short texts, and each expected chain was computed in the
    // shell, prefixes included in the hashed text:
    //   A=sha256:$(printf 'layer zero' | sha256sum | cut -d' ' -f1)   (B: 'layer one', C: 'layer two')
    //   AB=sha256:$(printf '%s' "$A $B" | sha256sum | cut -d' ' -f1)
    //   ABC=sha256:$(printf '%s' "$AB $C" | sha256sum | cut -d' ' -f1)
    @Test func threeLayers() {
        let diffIDs = [
            "sha256:fe441d6673b17f3bb674a3ef8331432bf90a1061ad3bd25e8c0d1354d183eb73",
            "sha256:f191e625176e7514249870c60bc24622131b04927a418001d1969c9cecd260f1",
            "sha256:77c7ed05b2e49df2e55d70cb007508cc66b2f5419a940bfd6f8749ba7db77c45",
        ]
        #expect(
            ChainID.chain(of: diffIDs) == [
                "sha256:fe441d6673b17f3bb674a3ef8331432bf90a1061ad3bd25e8c0d1354d183eb73",
                "sha256:e86b76bd7457817dc7204071aa7117aa3984dd5fccfcd6a8c36eb304b89de693",
                "sha256:010d5c3e3c4bc3ec8663cb4799007c28f4b7955b0b2d8abc1e2fbe47e620878b",
            ])
    }

    // The OCI image-spec's own test (identity/chainid_test.go) uses the short stand-ins
    // "sha256:a", "sha256:b", "sha256:c"; its expectations are computed, so ours are from
    //   printf 'sha256:a sha256:b' | sha256sum                     → 970a948b…
    //   printf 'sha256:970a948b… sha256:c' | sha256sum             → dee159b3…
    @Test func ociImageSpecStandIns() {
        #expect(
            ChainID.chain(of: ["sha256:a", "sha256:b", "sha256:c"]) == [
                "sha256:a",
                "sha256:970a948bffa8de94d6e22d747ba8c95030e6e546909f98f54e99a13005e173a8",
                "sha256:dee159b33409cefa3f6eda71539f006014283e9d9130c18a1dea7bd8a33c9b1b",
            ])
    }

    /// A chain names the whole stack: the same layer on a different parent gets another chain ID.
    @Test func chainDependsOnEveryLayerBelow() {
        let top = "sha256:77c7ed05b2e49df2e55d70cb007508cc66b2f5419a940bfd6f8749ba7db77c45"
        let onA = ChainID.chain(of: ["sha256:a", top])
        let onB = ChainID.chain(of: ["sha256:b", top])
        #expect(onA[1] != onB[1])
        #expect(ChainID.chain(of: ["sha256:a", "sha256:b"]) != ChainID.chain(of: ["sha256:b", "sha256:a"]))
    }
}
