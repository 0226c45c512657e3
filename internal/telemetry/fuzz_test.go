package telemetry

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// FuzzExtract feeds arbitrary lines to every format. The seed corpus in
// testdata/fuzz/FuzzExtract holds real lines of each format from the shared samples.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(`{"_path":"http","host":"a.example:81","uri":"/x","id.orig_h":"::ffff:10.0.0.1"}`))
	f.Add([]byte(`{"name":"q","hostIdentifier":"h","columns":{"remote_address":"fe80::1%eth0","path":"C:\\a\\B.exe"}}`))
	f.Add([]byte(`{"a":{"b":["http://[::1]:80/","x@y.example","deadbeefdeadbeefdeadbeefdeadbeef"]}}`))
	f.Add([]byte(`{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"dns","src_ip":"172.17.0.2"}`))
	f.Add([]byte(`{"EventID":1,"Channel":"c","UtcTime":"2024-01-02 03:04:05.678","TimeCreated":"2024-01-02T03:04:06Z"}`))
	f.Add([]byte(`{"name":"q","hostIdentifier":"h","calendarTime":"Tue Sep 30 17:37:30 2014 UTC","unixTime":1412123850}`))
	f.Add([]byte(`{"EventID":1,"CommandLine":"net use \\\\h.example@SSL@1\\x ssh a@1.2.3.4:22 --s=b.example:/ //c.example/d"}`))
	exs := make([]*Extractor, len(Formats))
	for i, fm := range Formats {
		exs[i] = NewExtractor(fm)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		buf := append([]byte(nil), line...)
		for _, ex := range exs {
			obs, err := ex.Extract(buf, nil)
			if err != nil {
				if !errors.Is(err, ErrNotJSON) || len(obs) != 0 || ex.LastBlank() || ex.LastFormat() != "" {
					t.Fatalf("error %v with %d observables, blank %v, format %q", err, len(obs), ex.LastBlank(), ex.LastFormat())
				}
				continue
			}
			if ex.LastBlank() != (ex.LastFormat() == "") || ex.LastBlank() && len(obs) != 0 {
				t.Fatalf("blank %v, format %q, %d observables", ex.LastBlank(), ex.LastFormat(), len(obs))
			}
			checkTime(t, ex)
			values := make([]string, len(obs))
			for i, o := range obs {
				checkObservable(t, o)
				values[i] = strings.Clone(o.Value)
			}
			checkUnique(t, obs)
			for i := range buf {
				buf[i] ^= 0xff
			}
			for i, o := range obs {
				if o.Value != values[i] {
					t.Fatalf("observable %+v aliases the line", o)
				}
			}
			copy(buf, line)
		}
	})
}

// checkTime fails when the event's time is outside the believable range, or is set
// without the field it came from.
func checkTime(t *testing.T, ex *Extractor) {
	t.Helper()
	when, field := ex.LastTime()
	if field == "" {
		if !when.IsZero() {
			t.Fatalf("time %v with no field", when)
		}
		return
	}
	if u := when.Unix(); u < minEventUnix || u >= maxEventUnix || when.Location() != time.UTC {
		t.Fatalf("time %v from %q is outside the believable range or not UTC", when, field)
	}
}

// checkUnique fails when one event yields the same (field, type, value) twice.
func checkUnique(t *testing.T, obs []vigil.Observable) {
	t.Helper()
	if len(obs) > dedupeMax {
		return // longer events are not deduplicated (see dedupeMax)
	}
	seen := map[vigil.Observable]bool{}
	for _, o := range obs {
		if seen[o] {
			t.Fatalf("duplicate observable %+v", o)
		}
		seen[o] = true
	}
}
