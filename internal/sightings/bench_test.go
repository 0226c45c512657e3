package sightings

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
	"github.com/vigil-health/vigil/internal/store"
)

// benchSamples is every real telemetry sample of the shared test data, decompressed and
// concatenated (about 117 MB), or a skip when the folder is absent (even under CI).
func benchSamples(b *testing.B) []byte {
	b.Helper()
	dir, err := shareddata.Find("telemetry")
	if err != nil {
		b.Skip(err)
	}
	var buf bytes.Buffer
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".ndjson") || strings.HasSuffix(path, ".gz")) {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(path, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				return err
			}
		}
		_, err = io.Copy(&buf, r)
		buf.WriteByte('\n')
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkIngestTelemetry measures one sensor's upload of the real samples, end to end
// on SQLite: extraction, matching against indicators that occur in them, and writing the
// index, sightings and alerts. Each iteration is a new day, so its index rows are new.
// cpu-MB/s divides by the CPU time the process used (SQLite and GC included) rather
// than wall time: the figure to trust on a machine shared with other work.
//
//	go test ./internal/sightings -run '^$' -bench IngestTelemetry -benchtime 3x
func BenchmarkIngestTelemetry(b *testing.B) {
	data := benchSamples(b)
	dir := b.TempDir()
	e := openTeleEnv(b, store.Config{DataDir: dir}, "sqlite", "file:"+filepath.Join(dir, "vigil.db")+"?mode=ro", Deps{})
	e.useIndicators(
		listedAs(vigil.TypeDomain, "raw.githubusercontent.com", "bench", 60, "dropper"),
		listedAs(vigil.TypeIPv4, "172.18.39.5", "bench", 50),
		listedAs(vigil.TypeMD5, "cc85d7649546d3c0b1607f761b73fec2", "bench", -1),
		listedAs(vigil.TypeDomain, "security.debian.org", "bench", 20),
	)
	b.SetBytes(int64(len(data)))
	var res TelemetryResult
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		e.setDay(teleDay.AddDate(0, 0, i))
		var err error
		if res, err = e.svc.IngestTelemetry(b.Context(), sensor("RXA"), bytes.NewReader(data)); err != nil || res.Events == 0 {
			b.Fatal(err, res)
		}
	}
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/used.Seconds()/1e6, "cpu-MB/s")
	}
	b.ReportMetric(float64(res.Events), "events/op")
	b.ReportMetric(float64(res.Sightings), "sightings/op")
}
