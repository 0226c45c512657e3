package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
)

// A kept range's blob is what EachMatchable yields for the range's indicators, in id
// order, encoded compactly (see matchable_kept.go for when it is used):
//
//	blob      = version:byte first:uvarint count:uvarint indicator* crc32c:4 bytes (little endian, of all before)
//	indicator = idDelta:uvarint type:str value:text lastSighted:time claims:uvarint claim*
//	claim     = ref:text shared:uvarint [provenance]
//	provenance = source:str tlp:str reliability:byte credibility:byte confidence:varint
//	             labels:uvarint str* validFrom validUntil firstSeen lastSeen published:time
//	             notForMatching:str publisher:str
//	str       = uvarint n: n even, the (n/2)th str the blob said before; n odd, a text of
//	            (n-1)/2 bytes that follows, said for the first time
//	text      = uvarint length, bytes
//	time      = uvarint 0 for the zero time, else zigzag-varint seconds since 1970 + 1
//	            as uvarint, then uvarint nanoseconds
//
// first is the range's first id, and idDelta of the first indicator counts from it. A claim's shared is
// 0 when its provenance (everything but Ref) follows, or n > 0 for the same as the nth
// provenance the blob spelled out: a feed's claims share all but their reference.
// Nothing in it depends on the time of the rebuild: decay and expiry are judged on what
// it decodes to.
const keptVersion = 1

var keptCRC = crc32.MakeTable(crc32.Castagnoli)

// keptEncoder encodes one range's indicators.
type keptEncoder struct {
	buf     []byte
	strs    map[string]int
	claims  map[string]int // a provenance's encoding → its number, from 1
	claim   []byte         // scratch: the provenance being encoded
	last    vigil.IndicatorSource
	lastNum int // the number of last's provenance; 0 before the first claim
	n       int
	lastID  int64
	lo      int64
}

// newKeptEncoder starts the blob of the range whose ids start at lo.
func newKeptEncoder(lo int64) *keptEncoder {
	e := &keptEncoder{strs: map[string]int{}, claims: map[string]int{}}
	e.reset(lo)
	return e
}

// reset starts the blob of the range whose ids start at lo, keeping e's buffer and
// maps: a read's worker encodes range after range, and growing them anew for each
// copied the buffer a dozen times.
func (e *keptEncoder) reset(lo int64) {
	clear(e.strs)
	clear(e.claims)
	*e = keptEncoder{buf: append(e.buf[:0], keptVersion), strs: e.strs, claims: e.claims, claim: e.claim[:0], lastID: lo, lo: lo}
}

// add appends si, whose id must be above the last one added.
func (e *keptEncoder) add(si *vigil.StoredIndicator) {
	e.buf = binary.AppendUvarint(e.buf, uint64(si.ID-e.lastID))
	e.lastID = si.ID
	e.buf = e.str(e.buf, string(si.Type))
	e.buf = appendText(e.buf, si.Value)
	e.buf = appendTime(e.buf, si.LastSighted)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(si.Sources)))
	for i := range si.Sources {
		src := &si.Sources[i]
		e.buf = appendText(e.buf, src.Ref)
		e.buf = binary.AppendUvarint(e.buf, uint64(e.claimNumber(src)))
		if e.lastNum == 0 { // a provenance said for the first time follows its 0
			e.buf = append(e.buf, e.claim...)
			e.claim = e.provenance(e.claim[:0], src) // how the next equal one encodes: its strings are numbered now
			e.claims[string(e.claim)] = len(e.claims) + 1
			e.lastNum = len(e.claims)
		}
	}
	e.n++
}

// claimNumber returns the number of src's provenance if the blob said it before, or 0
// with e.claim holding its encoding, e.last and e.lastNum set for the next call. A
// claim like the last one (a feed's are) skips encoding it to look it up.
func (e *keptEncoder) claimNumber(src *vigil.IndicatorSource) int {
	if e.lastNum > 0 && sameProvenance(src, &e.last) {
		return e.lastNum
	}
	e.last = *src
	e.claim = e.provenance(e.claim[:0], src)
	e.lastNum = e.claims[string(e.claim)]
	return e.lastNum
}

// sameProvenance reports whether a and b are equal but for their Ref (and Added, which
// a rebuild's read leaves unset).
func sameProvenance(a, b *vigil.IndicatorSource) bool {
	p, q := &a.Provenance, &b.Provenance
	return p.Source == q.Source && p.Publisher == q.Publisher && p.TLP == q.TLP && p.Reliability == q.Reliability &&
		p.Credibility == q.Credibility && p.Confidence == q.Confidence && slices.Equal(p.Labels, q.Labels) &&
		a.NotForMatching == b.NotForMatching && sameTime(p.ValidFrom, q.ValidFrom) && sameTime(p.ValidUntil, q.ValidUntil) &&
		sameTime(p.FirstSeen, q.FirstSeen) && sameTime(p.LastSeen, q.LastSeen) && sameTime(a.Published, b.Published)
}

// sameTime reports whether a and b encode alike: the same instant, both zero or neither.
func sameTime(a, b time.Time) bool { return a.Equal(b) && a.IsZero() == b.IsZero() }

// provenance appends src's claim but for its Ref, numbering the strings it says for
// the first time.
func (e *keptEncoder) provenance(b []byte, src *vigil.IndicatorSource) []byte {
	p := &src.Provenance
	b = e.str(b, p.Source)
	b = e.str(b, string(p.TLP))
	b = append(b, p.Reliability, p.Credibility)
	b = binary.AppendVarint(b, int64(p.Confidence))
	b = binary.AppendUvarint(b, uint64(len(p.Labels)))
	for _, l := range p.Labels {
		b = e.str(b, l)
	}
	for _, t := range [...]time.Time{p.ValidFrom, p.ValidUntil, p.FirstSeen, p.LastSeen, src.Published} {
		b = appendTime(b, t)
	}
	b = e.str(b, src.NotForMatching)
	b = e.str(b, p.Publisher)
	return b
}

// str appends s as a str, numbering it when said for the first time.
func (e *keptEncoder) str(b []byte, s string) []byte {
	if n, ok := e.strs[s]; ok {
		return binary.AppendUvarint(b, uint64(n)*2)
	}
	e.strs[s] = len(e.strs)
	b = binary.AppendUvarint(b, uint64(len(s))*2+1)
	return append(b, s...)
}

// bytes ends the blob and returns it.
func (e *keptEncoder) bytes() []byte {
	out := make([]byte, 0, len(e.buf)+binary.MaxVarintLen64+4)
	out = append(out, e.buf[0])
	out = binary.AppendUvarint(out, uint64(e.lo))
	out = binary.AppendUvarint(out, uint64(e.n))
	out = append(out, e.buf[1:]...)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, keptCRC))
}

func appendText(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, zigzag(t.Unix())+1)
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// errKeptCorrupt reports a blob that does not decode: it is read from the rows instead.
var errKeptCorrupt = errors.New("a kept range does not decode")

// decodeKept decodes the blob of the range [lo, hi) into b (as rangeWorker.fill
// would have read it), checking everything: the blob comes from the database. The
// strings of the indicators share one copy of the blob.
func decodeKept(blob []byte, lo, hi int64, b *rangeBatch) error {
	b.reset()
	if len(blob) < 5 || blob[0] != keptVersion {
		return errKeptCorrupt
	}
	body := blob[:len(blob)-4]
	if crc32.Checksum(body, keptCRC) != binary.LittleEndian.Uint32(blob[len(blob)-4:]) {
		return fmt.Errorf("%w: checksum", errKeptCorrupt)
	}
	d := keptDecoder{s: string(body), i: 1, id: lo}
	if first := d.uvarint(); d.i < 0 || first != uint64(lo) {
		return fmt.Errorf("%w: another range's", errKeptCorrupt)
	}
	if err := d.indicators(hi, b); err != nil {
		return err
	}
	b.linkSources()
	return nil
}

// keptDecoder reads a blob's body, held as one string.
type keptDecoder struct {
	s      string
	i      int
	id     int64
	strs   []string
	claims []vigil.IndicatorSource
}

// indicators decodes the count and the indicators that follow it, to the body's end.
func (d *keptDecoder) indicators(hi int64, b *rangeBatch) error {
	n := d.uvarint()
	if n > uint64(len(d.s)) { // an indicator takes several bytes
		return errKeptCorrupt
	}
	for range n {
		delta := d.uvarint()
		if (delta == 0 && len(b.inds) > 0) || delta >= uint64(hi-d.id) {
			return fmt.Errorf("%w: ids", errKeptCorrupt)
		}
		d.id += int64(delta)
		si := vigil.StoredIndicator{ID: d.id, Type: vigil.IndicatorType(d.str()), Value: d.text(), LastSighted: d.time()}
		claims := d.uvarint()
		if claims == 0 || claims > uint64(len(d.s)-d.i) {
			return fmt.Errorf("%w: claims", errKeptCorrupt)
		}
		for range claims {
			if d.claim(b); d.i < 0 { // stop at once: claims may say far more than follow
				return errKeptCorrupt
			}
		}
		b.inds = append(b.inds, si)
		b.ends = append(b.ends, len(b.srcs))
	}
	if d.i != len(d.s) {
		return fmt.Errorf("%w: length", errKeptCorrupt)
	}
	return nil
}

// claim decodes one claim onto b.srcs.
func (d *keptDecoder) claim(b *rangeBatch) {
	ref := d.text()
	shared := d.uvarint()
	var src vigil.IndicatorSource
	switch {
	case shared == 0:
		src = d.provenance()
		d.claims = append(d.claims, src)
	case shared <= uint64(len(d.claims)):
		src = d.claims[shared-1]
	default:
		d.i = -1
	}
	src.Ref = ref
	b.srcs = append(b.srcs, src)
}

// provenance decodes a claim's provenance (all but Ref).
func (d *keptDecoder) provenance() vigil.IndicatorSource {
	var src vigil.IndicatorSource
	p := &src.Provenance
	p.Source, p.TLP = d.str(), vigil.TLP(d.str())
	p.Reliability, p.Credibility = d.byte(), d.byte()
	p.Confidence = int(d.varint())
	if n := d.uvarint(); n > 0 && n <= uint64(len(d.s)-d.i) {
		p.Labels = make([]string, n)
		for i := range p.Labels {
			p.Labels[i] = d.str()
		}
	} else if n > 0 {
		d.i = -1
	}
	p.ValidFrom, p.ValidUntil, p.FirstSeen, p.LastSeen, src.Published = d.time(), d.time(), d.time(), d.time(), d.time()
	src.NotForMatching, p.Publisher = d.str(), d.str()
	return src
}

// The readers below return zero values once the body is overrun (d.i < 0), so that a
// caller checks d.i once per indicator rather than after every field.

func (d *keptDecoder) uvarint() uint64 {
	if d.i < 0 || d.i >= len(d.s) {
		d.i = -1
		return 0
	}
	if c := d.s[d.i]; c < 0x80 { // most are one byte
		d.i++
		return uint64(c)
	}
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if d.i >= len(d.s) {
			break
		}
		c := d.s[d.i]
		d.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.i = -1
	return 0
}

func (d *keptDecoder) varint() int64 { return unzigzag(d.uvarint()) }

func (d *keptDecoder) byte() byte {
	if d.i < 0 || d.i >= len(d.s) {
		d.i = -1
		return 0
	}
	d.i++
	return d.s[d.i-1]
}

// take returns the next n bytes as a substring.
func (d *keptDecoder) take(n uint64) string {
	if d.i < 0 || n > uint64(len(d.s)-d.i) {
		d.i = -1
		return ""
	}
	s := d.s[d.i : d.i+int(n)]
	d.i += int(n)
	return s
}

func (d *keptDecoder) text() string { return d.take(d.uvarint()) }

func (d *keptDecoder) str() string {
	n := d.uvarint()
	if n&1 == 0 {
		if n/2 >= uint64(len(d.strs)) {
			d.i = -1
			return ""
		}
		return d.strs[n/2]
	}
	s := d.take(n / 2)
	if d.i >= 0 {
		d.strs = append(d.strs, s)
	}
	return s
}

func (d *keptDecoder) time() time.Time {
	secs := d.uvarint()
	if secs == 0 {
		return time.Time{}
	}
	u := secs - 1
	nanos := d.uvarint()
	if nanos >= 1e9 {
		d.i = -1
		return time.Time{}
	}
	return time.Unix(unzigzag(u), int64(nanos)).UTC()
}
