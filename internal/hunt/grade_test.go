package hunt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

func TestGrade(t *testing.T) {
	one := func(t vigil.IndicatorType, v string, p ...vigil.Provenance) match.Entry {
		return match.Entry{Type: t, Value: v, Sources: p}
	}
	tests := []struct {
		name string
		e    match.Entry
		want string
	}{
		{"an address two sources list", one(vigil.TypeIPv4, "198.51.100.7", vigil.Provenance{Source: "a", Confidence: -1}, vigil.Provenance{Source: "b", Confidence: 30}), GradeStrong},
		{"a file name", one(vigil.TypeFilename, "conhost.exe", vigil.Provenance{Source: "a", Confidence: 90}), GradeWeak},
		{"the hash of nothing", one(vigil.TypeMD5, "d41d8cd98f00b204e9800998ecf8427e", vigil.Provenance{Source: "a", Confidence: -1}), GradeWeak},
		{"suspicious only", one(vigil.TypeDomain, "whatismyipaddress.com", vigil.Provenance{Source: "maltrail", Confidence: -1, Labels: []string{"Suspicious", "ipinfo"}}), GradeWeak},
		{"suspicious and malware", one(vigil.TypeDomain, "c2.example", vigil.Provenance{Source: "x", Confidence: -1, Labels: []string{"suspicious", "emotet"}}), GradeStrong},
		{"one source, low confidence", one(vigil.TypeDomain, "maybe.example", vigil.Provenance{Source: "x", Confidence: 20}), GradeWeak},
		{"a shared CDN address", one(vigil.TypeIPv4, "104.16.1.1", vigil.Provenance{Source: "x", Confidence: 90, Labels: []string{"c2", vigil.WarninglistLabel + "cdn"}}), GradeWeak},
		{"one source, confidence not stated", one(vigil.TypeDomain, "maybe.example", vigil.Provenance{Source: "x", Confidence: -1}), GradeStrong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := grade(tt.e); got != tt.want || (got == GradeWeak) != (why != "") {
				t.Errorf("grade = %s (%q), want %s with a reason when weak", got, why, tt.want)
			}
		})
	}
}

// TestWeakSightingsAreSummarised: a weak indicator that floods a hunt is listed up to the
// limit and summed up after; strong ones are all listed, and the summary puts them first
// with the first and last line each was seen on, and who published each apart from its source.
func TestWeakSightingsAreSummarised(t *testing.T) {
	b := match.NewBuilder()
	b.Add(vigil.Indicator{Type: vigil.TypeFilename, Value: "conhost.exe", Provenance: vigil.Provenance{Source: "sigbase", Confidence: -1}})
	b.Add(vigil.Indicator{Type: vigil.TypeIPv4, Value: "198.51.100.7", Provenance: vigil.Provenance{Source: "botnets", Publisher: "Partner CERT", Confidence: -1}})
	var log strings.Builder
	for i := range 80 {
		if i%8 == 3 {
			at := time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format("2006-01-02 15:04:05.000")
			fmt.Fprintf(&log, `{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","UtcTime":"%s","DestinationIp":"198.51.100.7"}`+"\n", at)
		} else {
			fmt.Fprintf(&log, `{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\conhost.exe"}`+"\n")
		}
	}
	in := Input{Name: "sysmon.ndjson", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(log.String())), nil }}
	var out bytes.Buffer
	st, err := Run(context.Background(), b.Build(), []Input{in}, &out, Options{Workers: 2, ChunkSize: 512, WeakLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	written := decodeSightings(t, &out)
	weak := 0
	for _, s := range written {
		if s.Grade == GradeWeak {
			weak++
		}
	}
	if st.Sightings != 80 || len(written) != 15 || weak != 5 || st.Withheld != 65 || st.Strong != 10 || st.Weak != 70 {
		t.Errorf("sightings %d, written %d (%d weak), withheld %d, strong %d, weak %d; want 80, 15 (5), 65, 10, 70",
			st.Sightings, len(written), weak, st.Withheld, st.Strong, st.Weak)
	}
	if len(st.Indicators) != 2 {
		t.Fatalf("summary %+v, want two indicators", st.Indicators)
	}
	strong, flood := st.Indicators[0], st.Indicators[1]
	if strong.Indicator != "198.51.100.7" || strong.Sightings != 10 || strong.First.Line != 4 || strong.Last.Line != 76 ||
		strong.FirstTime.Format(time.TimeOnly) != "03:04:03" || strong.LastTime.Format(time.TimeOnly) != "03:05:15" {
		t.Errorf("first summary line %+v, want the address: 10 sightings, lines 4 to 76, 03:04:03 to 03:05:15", strong)
	}
	if flood.Indicator != "conhost.exe" || flood.Sightings != 70 || flood.Listed != 5 || flood.First.Line != 1 || flood.Last.Line != 80 || flood.WeakBecause == "" {
		t.Errorf("second summary line %+v, want the weak file name: 70 sightings, 5 listed, lines 1 to 80, and why", flood)
	}
	var text strings.Builder
	st.WriteSummary(&text)
	if !strings.Contains(text.String(), "conhost.exe") || !strings.Contains(text.String(), "sysmon.ndjson:1 … sysmon.ndjson:80  -") ||
		!strings.Contains(text.String(), "sysmon.ndjson:76  2024-01-02 03:04:03 … 2024-01-02 03:05:15") ||
		!strings.Contains(text.String(), "botnets (by Partner CERT)") || !strings.Contains(text.String(), "sigbase    ") {
		t.Errorf("summary text:\n%s", text.String())
	}
}
