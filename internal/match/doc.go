// Package match is the compiled, immutable snapshot of all matchable indicators that
// every hunt and live-ingest lookup goes through.
//
// # Concurrency
//
// A Builder collects indicators on one goroutine and compiles them with Build into a
// Snapshot. Build spreads its work over up to GOMAXPROCS goroutines of its own, each
// compiling one indicator type at a time; each writes only its own type, all only read
// the interned provenance, and Build returns once all are done. A Snapshot is immutable from the moment Build returns it: no
// method writes to it, and Entry copies whatever a caller could change, so any number
// of goroutines read it at once and readers never lock. Nothing is updated in place; new intelligence
// means a new Snapshot.
//
// Snapshot.Apply makes a new Snapshot from an old one and a change of a few indicators
// without compiling everything again: the new Snapshot shares the old one's compiled
// base, marks the base entries of the changed indicators as replaced (a bitmap per type,
// copied, never written once published) and compiles the changed indicators' claims
// into a small overlay Snapshot of its own. Lookups skip replaced base entries, then
// look in the overlay, whose IDs are numbered after the base's, and merge the two most
// specific first. Each Apply compiles every change since the base again, so a caller
// rebuilds in full once OverlayLen grows (internal/threatintel does past 8,192 plus
// 1/64 of the snapshot).
//
// A Holder is the one mutable thing: an atomic.Pointer to the current Snapshot. A writer
// builds a new Snapshot off to the side and Stores it; readers Load the pointer (one
// atomic load) and keep what they loaded for their unit of work (an event, a batch),
// so one unit never mixes two snapshots. An old Snapshot stays valid for whoever still
// holds it, and the garbage collector frees it after the last reader lets go. There are
// no locks in this package, hence no lock order.
//
// An ID is only meaningful to the Snapshot whose Lookup returned it: resolve it with
// Entry on that same Snapshot, not on whatever the Holder holds by then.
//
// # Memory layout
//
// Lookups are hot (every observable of every event) and hits are rare, so the layout
// keeps what is needed to reject a value small and flat, and rebuilds the rest (the
// value's text, its provenance) only when Entry is called. Each indicator type has its
// own table; an ID is the type's number in its top 4 bits and the entry's index in
// that table in the other 28, so no per-entry type or ID is stored. Lookup allocates
// nothing: it parses into stack values and looks up substrings of the observable.
//
//   - IPv4 addresses: a sorted []uint32, 4 bytes each, with a bucket index on the top
//     bits (about 6 addresses a bucket, at most 2^16 buckets, 256 KiB) that leaves a
//     binary search within one or two cache lines. Observables are parsed by a
//     dotted-quad parser that agrees with net/netip (tested, fuzzed) and is faster.
//   - IPv6 addresses: an array of 16-byte addresses ordered by a 64-bit hash of each,
//     and an open-addressing table of the addresses beside their indexes (24 bytes a
//     slot, 3/4 full), so that a listed address is found with one cache miss, behind a
//     blocked Bloom filter of the hashes (one word read, about 1% false positives) that
//     turns most unlisted addresses away before the table. Observables typed ipv6 are
//     parsed by a parser of the common forms (groups of hex digits, one "::") straight
//     into 128 bits before anything else; other forms (an IPv4 tail, a zone) go to
//     net/netip. A bitmap of hashed
//     /32s, set for every /32 a listed IPv6 network touches, sends most IPv6 addresses
//     past the network lookup (off when a listed IPv6 network is shorter than /20).
//     The network lookup tries each length listed IPv6 networks have, longest first: the
//     address masked to it, hashed, is checked in a Bloom filter of the networks and,
//     when it passes, looked for in an open-addressing table of them (24 bytes a
//     network, its parent with it), so that a lookup reads a few words in cache rather
//     than a trie node per byte. The filter's 64-byte blocks are picked by the /32 of a
//     network (/24 to /47: every /32 it overlaps) or its /48 (/48 and longer), so all the
//     lengths of an address are tested in one or two cache lines. Past 12 distinct
//     lengths the CIDR trie below does it instead.
//   - CIDRs: a bart.Table[ID] (a multibit trie, about 50 bytes a prefix) gives the most
//     specific listed network containing an address or network, in one longest-prefix
//     match; each network's parent (the most specific listed network strictly
//     containing it) is precomputed, so the other covering networks follow without
//     searching again. In front of it for IPv4, a bitmap of the address blocks any
//     listed network touches, sized for about 16 bits a network (256 KiB for 100,000),
//     sends most addresses past the trie with one cached read.
//   - Domains, URLs, emails, file names: the values of a type back to back, each after
//     its uvarint length, in the chunks the Builder filled (Build copies no bytes
//     unless an eighth of them are repeats), found by uint32 offsets, and an
//     open-addressing table of entry numbers with as many of each value's hash bits as
//     the number leaves free (4 bytes a slot, at most 3/4 full; a map[string]ID
//     costs some 40 bytes an entry) keyed by a hash/maphash hash seeded per snapshot,
//     so that values chosen to collide cannot crowd one run of slots. A domain is looked up once per suffix at a label
//     boundary (a.b.evil.example.com, b.evil.example.com, evil.example.com, ...),
//     skipping suffixes with more or fewer labels than any listed domain.
//   - Hashes: per hash type, the raw digests (half the size of their hex) back to back
//     in one sorted []byte, with a bucket index like IPv4's, and a BinaryFuse8 filter
//     (about 9 bits a digest, 0.4% false positives) keyed by each digest's first 8
//     bytes, which are uniform already. A miss decodes 16 hex digits and probes the
//     filter; only hits and the filter's rare false positives decode the whole digest
//     and search.
//
// # Provenance
//
// Provenance is kept apart from values. A feed's indicators nearly always share one
// Provenance apart from Ref, so the Builder interns Provenance without Ref into a table
// of distinct records (trying the few most recently used before a map), and a claim,
// one source's word on one entry, is 8 bytes: the index of its Provenance and a handle
// of its Ref. A line number ("line N", as the list and CSV parsers write it, or a bare
// N) is the handle itself; other Refs are kept verbatim, each as a uvarint length and
// its bytes in one chunked arena, named by their offset: an empty Ref or a line number
// costs nothing beside the claim, a STIX id about 50 bytes. Ref is never dropped,
// except past 2 GiB of Refs that are not line numbers in one Builder, where 31-bit
// offsets end. An entry's claims are one contiguous run, in the order they were added;
// entries with more than one claim are listed per type with the claims they add
// (8 bytes each), so that where an entry's run starts costs nothing for the others.
//
// Adding a type and value already added merges them into one entry (addresses and
// networks compare as parsed, hashes regardless of hex case). A claim that repeats an
// earlier claim on the same entry is dropped: the same Source with the same non-empty
// Ref (the first added wins), or, without a Ref, an identical Provenance.
//
// For a million mixed list indicators with a line-number Ref each, a Snapshot retains
// about 41 bytes an indicator (BenchmarkBuild1M; 53 with Refs in the arena, a start
// offset an entry and 8-byte string slots, 63 with a map for the strings).
//
// # Building
//
// The Builder keeps what it is given compactly until Build: addresses parsed, digests
// decoded, string values copied back to back into chunked arenas (no allocation or
// string header a value, and no caller's string kept alive), and beside each value
// only its claim: 12 bytes a value for IPv4 addresses, strings (the offset of their
// bytes) and digests (likewise), 24 for IPv6 addresses, 40 for networks. Each type's
// pending values are split into 64 parts by the top bits of what the type's order
// compares first (an address, a hash), so part i sorts wholly before part i+1, and each
// part is filed in blocks of at most 512 values, so that it grows without copying or
// keeping spare room.
//
// Build compiles a type part by part: it gathers a part into one buffer as sort keys
// (a string's hash read again from its bytes, a value's Add order from its place in the
// part), sorts and merges it, appends its distinct values to the type's table and keeps
// its claims as a slice of their own, and releases the part before the next. So the
// live heap while Build runs is the Snapshot so far, one part's keys a type being
// compiled, and what is not compiled yet as Add filed it, never two forms of a whole
// type; a string table's hash slots are built once its pending values are released.
// For a 2M-line list feed (bench/import.sh's, 1.9M indicators, mostly domains) the
// Builder holds 52 MB before Build, Build's peak is the Snapshot it returns (61 MB),
// where they were 64 and 92 MB when parts grew as slices, values were filed with their
// sort keys and every part was sorted before any was merged.
package match
