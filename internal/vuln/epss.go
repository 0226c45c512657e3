package vuln

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EPSS is FIRST's Exploit Prediction Scoring System estimate for one CVE.
type EPSS struct {
	// Probability of exploitation activity in the next 30 days, 0–1.
	Probability float64 `json:"probability"`
	// Percentile is the share of all scored CVEs with a lower or equal probability, 0–1.
	Percentile float64 `json:"percentile"`
}

// EPSSScores holds the daily EPSS file, by CVE ID.
type EPSSScores map[string]EPSS

// ParseEPSS reads FIRST's daily CSV (an optional "#model_version…" comment line, then
// cve,epss,percentile). A bad row is an error naming its line.
func ParseEPSS(r io.Reader) (EPSSScores, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("EPSS: no header: %w", err)
	}
	if len(header) < 3 || header[0] != "cve" || header[1] != "epss" || header[2] != "percentile" {
		return nil, fmt.Errorf("EPSS: header %q, want cve,epss,percentile", strings.Join(header, ","))
	}
	scores := EPSSScores{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return scores, nil
		}
		if err != nil {
			return nil, fmt.Errorf("EPSS: %w", err)
		}
		line, _ := cr.FieldPos(0)
		cve, e, err := epssRow(rec)
		if err != nil {
			return nil, fmt.Errorf("EPSS line %d: %w", line, err)
		}
		scores[cve] = e
	}
}

func epssRow(rec []string) (string, EPSS, error) {
	if len(rec) < 3 {
		return "", EPSS{}, fmt.Errorf("%d fields, want cve,epss,percentile", len(rec))
	}
	if !strings.HasPrefix(rec[0], "CVE-") {
		return "", EPSS{}, fmt.Errorf("%q is not a CVE ID", rec[0])
	}
	p, err1 := strconv.ParseFloat(rec[1], 64)
	pct, err2 := strconv.ParseFloat(rec[2], 64)
	if err := errors.Join(err1, err2); err != nil || !unit(p) || !unit(pct) {
		return "", EPSS{}, fmt.Errorf("epss %q and percentile %q must be numbers from 0 to 1", rec[1], rec[2])
	}
	return rec[0], EPSS{Probability: p, Percentile: pct}, nil
}

func unit(x float64) bool { return x >= 0 && x <= 1 }
