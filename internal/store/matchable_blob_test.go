package store

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

// keptSample is a range's worth of indicators as EachMatchable yields them: claims that
// share all but their Ref, one that differs in each field, times set and unset, labels
// and texts holding separators, NUL bytes and non-ASCII.
func keptSample(lo int64) []vigil.StoredIndicator {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890123000, time.UTC)
	full := vigil.IndicatorSource{Provenance: vigil.Provenance{Source: "feed a", Publisher: "CERT\x00UK", TLP: vigil.TLPAmberStrict,
		Reliability: 'A', Credibility: 1, Confidence: 0, ValidFrom: at, ValidUntil: at.AddDate(1, 0, 0), FirstSeen: at.Add(-time.Hour),
		LastSeen: at, Labels: []string{"tab\there", "ünïcode", ""}, Ref: "indicator--1"}, Published: at, NotForMatching: "warninglist"}
	bare := vigil.IndicatorSource{Provenance: vigil.Provenance{Source: "feed-b", Confidence: -1, Ref: "line 3"},
		Published: time.Date(1960, 1, 1, 0, 0, 0, 1, time.UTC)}
	other := full
	other.Labels = []string{"tab\there"}
	other.Ref = "line 4"
	return []vigil.StoredIndicator{
		{ID: lo, Type: vigil.TypeIPv4, Value: "192.0.2.1", Sources: []vigil.IndicatorSource{full, bare}},
		{ID: lo + 1, Type: vigil.TypeDomain, Value: "evil.example", LastSighted: at, Sources: []vigil.IndicatorSource{bare}},
		{ID: lo + 700, Type: vigil.TypeURL, Value: "http://evil.example/a\x00b", Sources: []vigil.IndicatorSource{other, withRefSrc(bare, "")}},
		{ID: lo + keptSpan - 1, Type: vigil.TypeIPv4, Value: "192.0.2.2", Sources: []vigil.IndicatorSource{withRefSrc(full, "x")}},
	}
}

func withRefSrc(src vigil.IndicatorSource, ref string) vigil.IndicatorSource {
	src.Ref = ref
	return src
}

func encodeKept(lo int64, inds []vigil.StoredIndicator) []byte {
	e := newKeptEncoder(lo)
	for i := range inds {
		e.add(&inds[i])
	}
	return e.bytes()
}

// TestKeptBlobRoundTrip checks that a range decodes to what was encoded (by a new
// encoder or one reset after another range), that an empty range does too, and that a
// blob refuses to decode as another range's or when any of its bytes is changed or cut.
func TestKeptBlobRoundTrip(t *testing.T) {
	for _, lo := range []int64{0, 5 * keptSpan} {
		want := keptSample(lo)
		blob := encodeKept(lo, want)
		var b rangeBatch
		if err := decodeKept(blob, lo, lo+keptSpan, &b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, b.inds); diff != "" {
			t.Errorf("range %d decoded (-encoded +decoded):\n%s", lo, diff)
		}
		reused := newKeptEncoder(lo + keptSpan) // a worker's encoder, reset after another range
		for _, si := range keptSample(lo + keptSpan) {
			reused.add(&si)
		}
		reused.reset(lo)
		for i := range want {
			reused.add(&want[i])
		}
		if !bytes.Equal(reused.bytes(), blob) {
			t.Errorf("range %d encoded by a reset encoder differs from a new one's", lo)
		}
		if err := decodeKept(blob, lo+keptSpan, lo+2*keptSpan, &b); err == nil {
			t.Errorf("the blob of range %d decoded as the next range's", lo)
		}
		for i := range blob {
			bad := append([]byte(nil), blob...)
			bad[i] ^= 0x10
			if err := decodeKept(bad, lo, lo+keptSpan, &b); err == nil {
				t.Errorf("range %d with byte %d changed decoded", lo, i)
			}
			if err := decodeKept(blob[:i], lo, lo+keptSpan, &b); err == nil {
				t.Errorf("range %d cut to %d bytes decoded", lo, i)
			}
		}
	}
	var b rangeBatch
	if err := decodeKept(encodeKept(keptSpan, nil), keptSpan, 2*keptSpan, &b); err != nil || len(b.inds) != 0 {
		t.Errorf("an empty range decoded to %d indicators, %v", len(b.inds), err)
	}
}

// FuzzDecodeKept feeds any body, sealed with a valid checksum unless raw, to the
// decoder of kept ranges (they come from the database): it decodes or refuses, never
// panics, and what it decodes is a range's worth of indicators that encodes and decodes
// to itself.
func FuzzDecodeKept(f *testing.F) {
	const lo = 3 * keptSpan
	blob := encodeKept(lo, keptSample(lo))
	f.Add(blob[:len(blob)-4], false)
	f.Add(blob, true)
	f.Add(encodeKept(lo, nil)[:4], false)
	f.Add([]byte{keptVersion, 0x80, 0xc0, 0x01, 1, 0, 1, 'x', 0, 1}, false)
	f.Fuzz(func(t *testing.T, body []byte, raw bool) { fuzzOne(t, body, raw) })
}

// fuzzOne is FuzzDecodeKept's check of one input.
func fuzzOne(t *testing.T, body []byte, raw bool) {
	const lo = 3 * keptSpan
	in := body
	if !raw {
		in = binary.LittleEndian.AppendUint32(append([]byte(nil), body...), crc32.Checksum(body, keptCRC))
	}
	var b rangeBatch
	if err := decodeKept(in, lo, lo+keptSpan, &b); err != nil {
		return
	}
	last := int64(lo - 1)
	for _, si := range b.inds {
		if si.ID <= last || si.ID >= lo+keptSpan || len(si.Sources) == 0 {
			t.Fatalf("decoded indicator %d (after %d) with %d claims", si.ID, last, len(si.Sources))
		}
		last = si.ID
	}
	var again rangeBatch
	if err := decodeKept(encodeKept(lo, b.inds), lo, lo+keptSpan, &again); err != nil {
		t.Fatalf("what decoded does not decode once encoded again: %v", err)
	}
	if !cmp.Equal(b.inds, again.inds) {
		t.Fatalf("decoded, encoded and decoded again (-first +again):\n%s", cmp.Diff(b.inds, again.inds))
	}
}
