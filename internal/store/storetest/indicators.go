package storetest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/vigil-health/vigil"
)

// FeedIndicators returns indicators start to start+n of a synthetic feed, as benchmarks
// store it: addresses, domains and SHA-256 hashes in turn (the hashes land all over the
// value index, as real ones do), TLP:GREEN, graded B2, 70% confident, with labels.
func FeedIndicators(start, n int, labels ...string) []vigil.Indicator {
	out := make([]vigil.Indicator, n)
	for j := range out {
		i := start + j
		var t vigil.IndicatorType
		var v string
		switch i % 3 {
		case 0:
			t, v = vigil.TypeIPv4, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		case 1:
			t, v = vigil.TypeDomain, fmt.Sprintf("host%d.evil.example", i)
		default:
			t, v = vigil.TypeSHA256, fmt.Sprintf("%x", sha256.Sum256(binary.AppendUvarint(nil, uint64(i))))
		}
		out[j] = vigil.Indicator{Type: t, Value: v, Provenance: vigil.Provenance{TLP: vigil.TLPGreen,
			Reliability: 'B', Credibility: 2, Confidence: 70, Labels: labels}}
	}
	return out
}
