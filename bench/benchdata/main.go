// Command benchdata builds the inputs of bench/hunt.sh from the real public samples in
// shared/data: an IoC list of N indicators (real lists first, topped up with generated
// values) and an NDJSON telemetry file of at least the requested size (the real Zeek,
// Sysmon, Suricata and ECS samples repeated, with IPv4 addresses varied per repetition so
// the file is not one block over and over). A few hundred of the varied addresses are
// planted in the IoC list so the hunt has real sightings to write.
//
// Bogon networks (RFC 1918, loopback, link-local, multicast, 0/8, CGNAT) that real lists
// such as firehol_level1 carry are left out: against internal telemetry they make every
// private address a "sighting", which measures output writing, not hunting. A real hunt
// drops them with --warninglists.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

func main() {
	data := flag.String("data", sharedData(), "the public test data set, kept outside the repository ($VIGIL_SHARED_DATA when set)")
	iocOut := flag.String("iocs", "", "write the IoC list here")
	n := flag.Int("n", 1_000_000, "indicators in the IoC list")
	telOut := flag.String("telemetry", "", "write the NDJSON telemetry here")
	sizeMB := flag.Int("mb", 1024, "minimum telemetry size in MB")
	flag.Parse()
	if err := run(*data, *iocOut, *n, *telOut, int64(*sizeMB)<<20); err != nil {
		fmt.Fprintln(os.Stderr, "benchdata:", err)
		os.Exit(1)
	}
}

// sharedData is where the public test data set is, kept outside the repository:
// $VIGIL_SHARED_DATA as the tests read it, else shared/data beside the repository root
// (the bench scripts run this from the root).
func sharedData() string {
	if dir := os.Getenv("VIGIL_SHARED_DATA"); dir != "" {
		return dir
	}
	return "../shared/data"
}

var ipv4RE = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)

func run(data, iocOut string, n int, telOut string, size int64) error {
	lines, err := telemetryLines(filepath.Join(data, "telemetry"))
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	planted := map[string]bool{}
	if telOut != "" {
		if err := writeTelemetry(telOut, lines, size, rng, planted); err != nil {
			return err
		}
	}
	if iocOut != "" {
		return writeIOCs(iocOut, filepath.Join(data, "intel", "lists"), n, rng, planted)
	}
	return nil
}

// telemetryLines reads every NDJSON sample line (gzip or plain).
func telemetryLines(dir string) ([]string, error) {
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".ndjson") || strings.HasSuffix(path, ".json.gz") || strings.HasSuffix(path, ".ndjson.gz")) {
			return err
		}
		return eachLine(path, func(l string) {
			if strings.HasPrefix(l, "{") {
				lines = append(lines, l)
			}
		})
	})
	if len(lines) == 0 && err == nil {
		err = fmt.Errorf("no telemetry samples under %s", dir)
	}
	return lines, err
}

func eachLine(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		fn(sc.Text())
	}
	return sc.Err()
}

// writeTelemetry repeats the samples until size, shifting every IPv4 address by the
// repetition number; one address in 100,000 written is remembered for planting.
func writeTelemetry(path string, lines []string, size int64, rng *rand.Rand, planted map[string]bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var written int64
	for rep := uint32(0); written < size; rep++ {
		for _, l := range lines {
			out := ipv4RE.ReplaceAllStringFunc(l, func(ip string) string {
				a, err := netip.ParseAddr(ip)
				if err != nil || rep == 0 {
					return ip
				}
				s := shift(a, rep)
				if len(planted) < 500 && rng.IntN(100_000) == 0 {
					planted[s] = true
				}
				return s
			})
			n, _ := w.WriteString(out)
			w.WriteByte('\n')
			written += int64(n + 1)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// shift moves an address within its /16 so private stays private and public stays public.
func shift(a netip.Addr, rep uint32) string {
	b := a.As4()
	lo := (uint32(b[2])<<8 | uint32(b[3])) + rep*7919
	b[2], b[3] = byte(lo>>8), byte(lo)
	return netip.AddrFrom4(b).String()
}

// writeIOCs writes the planted values, then real list values, then generated ones, up to n.
func writeIOCs(path, listDir string, n int, rng *rand.Rand, planted map[string]bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	seen := map[string]bool{}
	add := func(v string) {
		if v != "" && len(seen) < n && !seen[v] && !bogon(v) {
			seen[v] = true
			w.WriteString(v)
			w.WriteByte('\n')
		}
	}
	for v := range planted {
		add(v)
	}
	if err := realValues(listDir, add); err != nil {
		return err
	}
	for len(seen) < n {
		add(generated(rng))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchdata: %d indicators (%d planted from the telemetry)\n", len(seen), len(planted))
	return f.Close()
}

var bogons = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("224.0.0.0/3"),
}

// bogon reports whether v is an address or network overlapping a bogon range.
func bogon(v string) bool {
	p, err := netip.ParsePrefix(v)
	if err != nil {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	for _, b := range bogons {
		if b.Overlaps(p) {
			return true
		}
	}
	return false
}

// realValues reads the first field of every line of the real lists, maltrail's tar included.
func realValues(dir string, add func(string)) error {
	first := func(l string) {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' || l[0] == ';' {
			return
		}
		if i := strings.IndexAny(l, " \t;,#"); i >= 0 {
			l = l[:i]
		}
		add(l)
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
			return err
		case strings.HasSuffix(path, ".tar.gz"):
			return eachTarLine(path, first)
		case strings.HasSuffix(path, ".csv"):
			return eachLine(path, func(l string) {
				if f := strings.Split(l, ","); len(f) > 3 {
					add(f[3])
				}
			})
		case strings.Contains(path, "signature-base") && !strings.HasSuffix(path, "iocs.txt"):
			return nil
		}
		return eachLine(path, first)
	})
}

func eachTarLine(path string, fn func(string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		sc := bufio.NewScanner(tr)
		for sc.Scan() {
			fn(sc.Text())
		}
	}
}

// generated makes a plausible indicator: public IPv4, a domain, or a SHA-256.
func generated(rng *rand.Rand) string {
	switch rng.IntN(3) {
	case 0:
		return fmt.Sprintf("%d.%d.%d.%d", 11+rng.IntN(180), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
	case 1:
		return fmt.Sprintf("x%08x.%s", rng.Uint32(), []string{"com", "net", "org", "info", "top", "xyz"}[rng.IntN(6)])
	}
	return fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
}
