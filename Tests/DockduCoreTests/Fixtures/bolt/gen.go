// gen writes the bolt fixtures of BoltDBTests with the real bbolt library, so the tests check
// dockdu's reader against files bbolt itself wrote, not against our idea of the format.
//
// Offline, with Debian's packages (bookworm: Go 1.19, bbolt 1.3.6):
//
//	apt-get install -y golang-go golang-github-coreos-bbolt-dev
//	cd Tests/DockduCoreTests/Fixtures/bolt
//	GO111MODULE=off GOPATH=/usr/share/gocode go run gen.go
//
// The output is deterministic (bolt files hold no timestamps), so re-running it reproduces the
// committed files byte for byte. BoltDBTests asserts the exact contents written here: change
// both together.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"os"

	bolt "go.etcd.io/bbolt"
)

func open(path string) *bolt.DB {
	_ = os.Remove(path)
	// 4096-byte pages whatever the machine's page size, so the files are the same everywhere.
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 4096})
	if err != nil {
		log.Fatal(err)
	}
	return db
}

func update(db *bolt.DB, fn func(tx *bolt.Tx) error) {
	if err := db.Update(fn); err != nil {
		log.Fatal(err)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// volumeMetadata is moby's volume/service/db.go record, JSON-encoded as the value of each
// volume's key in the "volumes" bucket of volumes/metadata.db.
type volumeMetadata struct {
	Name    string
	Driver  string
	Labels  map[string]string
	Options map[string]string
}

func putVolume(b *bolt.Bucket, v volumeMetadata) {
	data, err := json.Marshal(v)
	must(err)
	must(b.Put([]byte(v.Name), data))
}

// volumes.db: Docker's volumes/metadata.db. Two transactions, so the two meta pages differ:
// the older one (txid 2) sees only "data", the newer one (txid 3) all three volumes.
func writeVolumes() {
	db := open("volumes.db")
	defer db.Close()
	update(db, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("volumes"))
		must(err)
		putVolume(b, volumeMetadata{Name: "data", Driver: "local", Labels: map[string]string{
			"com.docker.compose.project": "shop", "com.docker.compose.volume": "data"}})
		return nil
	})
	update(db, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("volumes"))
		putVolume(b, volumeMetadata{
			Name:   "3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f",
			Driver: "local", Labels: map[string]string{"com.docker.volume.anonymous": ""}})
		putVolume(b, volumeMetadata{Name: "pgdata", Driver: "local", Options: map[string]string{
			"type": "tmpfs", "device": "tmpfs", "o": "size=100m"}})
		return nil
	})
}

// snapshots.db: moby's builder-next snapshotter (builder/builder-next/adapters/snapshot):
// one top-level bucket per snapshot key (BuildKit's 25-character identity.NewID, or a chain ID),
// holding "parent", "committed", "chainid" and "size" (decimal text) as they get known.
func writeSnapshots() {
	db := open("snapshots.db")
	defer db.Close()
	type kv struct{ k, v string }
	snapshots := []struct {
		name   string
		fields []kv
	}{
		{"k3f9x0q2m7c1z8w4v6b5n0p2r", []kv{{"parent", ""}, {"committed", "ueb0w9ux8rchxbbvjb6lgkq4l"}, {"size", "5242880"}}},
		{"ueb0w9ux8rchxbbvjb6lgkq4l", []kv{{"parent", "k3f9x0q2m7c1z8w4v6b5n0p2r"}}},
		{"a7m2c9t4p0w8e6r1y5u3i7o2q", []kv{
			{"parent", "sha256:9f2b4c0e7d1a3f5b8c6e4d2a0b9f7e5c3a1d8b6f4e2c0a9d7b5f3e1c8a6d4b2f"},
			{"chainid", "sha256:1e5c8a2f6d0b4e9c7a3f1d5b8e2c6a0f4d9b7e3c1a5f8d2b6e0c4a9f7d3b1e5c"},
			{"size", "0"}}},
		{"sha256:9f2b4c0e7d1a3f5b8c6e4d2a0b9f7e5c3a1d8b6f4e2c0a9d7b5f3e1c8a6d4b2f", nil},
	}
	update(db, func(tx *bolt.Tx) error {
		for _, s := range snapshots {
			b, err := tx.CreateBucket([]byte(s.name))
			must(err)
			for _, f := range s.fields {
				must(b.Put([]byte(f.k), []byte(f.v)))
			}
		}
		return nil
	})
}

// big.db: the structural cases, in one transaction so that no stale pages are left behind
// (the corruption tests patch the one live branch page they find).
//   - "many": 3000 keys "k0000".."k2999" → "v0000".."v2999" (branch pages), and "blob",
//     20000 bytes i*7 mod 251 (overflow pages).
//   - "nest" / "a" / "b" / "c": buckets four deep; each holds "depth" → "1".."4", and "c" also
//     holds 200 keys "c000".."c199" → 100 bytes of the letter 'c', big enough not to be inlined.
//   - "inline": two keys, small enough that bbolt stores the bucket inside its parent's value.
//   - "binary": keys 00, 00 00, 00 ff 01, 7f, ff, ff ff → values of the same bytes reversed,
//     and key ff ff ff → an empty value.
func writeBig() {
	db := open("big.db")
	defer db.Close()
	update(db, func(tx *bolt.Tx) error {
		many, err := tx.CreateBucket([]byte("many"))
		must(err)
		for i := 0; i < 3000; i++ {
			must(many.Put([]byte(fmt.Sprintf("k%04d", i)), []byte(fmt.Sprintf("v%04d", i))))
		}
		blob := make([]byte, 20000)
		for i := range blob {
			blob[i] = byte(i * 7 % 251)
		}
		must(many.Put([]byte("blob"), blob))

		b, err := tx.CreateBucket([]byte("nest"))
		must(err)
		for depth, name := range []string{"", "a", "b", "c"} {
			if name != "" {
				b, err = b.CreateBucket([]byte(name))
				must(err)
			}
			must(b.Put([]byte("depth"), []byte(fmt.Sprint(depth+1))))
		}
		for i := 0; i < 200; i++ {
			must(b.Put([]byte(fmt.Sprintf("c%03d", i)), bytes.Repeat([]byte("c"), 100)))
		}

		inline, err := tx.CreateBucket([]byte("inline"))
		must(err)
		must(inline.Put([]byte("x"), []byte("1")))
		must(inline.Put([]byte("y"), []byte("2")))

		binary, err := tx.CreateBucket([]byte("binary"))
		must(err)
		for _, key := range [][]byte{{0x00}, {0x00, 0x00}, {0x00, 0xff, 0x01}, {0x7f}, {0xff}, {0xff, 0xff}} {
			value := make([]byte, len(key))
			for i := range key {
				value[len(key)-1-i] = key[i]
			}
			must(binary.Put(key, value))
		}
		must(binary.Put([]byte{0xff, 0xff, 0xff}, []byte{}))
		return nil
	})
}

func main() {
	writeVolumes()
	writeSnapshots()
	writeBig()
}
