package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/config"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run runs the CLI in-process and returns its exit status and outputs.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

const examples = "../../examples"

func TestHuntExamples(t *testing.T) {
	code, out, errOut := run(t, "", "hunt", "--iocs", examples+"/intel", examples+"/logs")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	golden(t, "hunt-examples.ndjson", strings.ReplaceAll(out, examples, "examples"))
	for _, want := range []string{"sightings:", "unparseable", "MB/s", "not matchable"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("summary on stderr lacks %q:\n%s", want, errOut)
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var s map[string]any
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("sighting %d is not JSON: %v", i+1, err)
		}
		for _, key := range []string{"file", "line", "field", "observable", "type", "indicator", "sources", "tlp"} {
			if _, ok := s[key]; !ok {
				t.Errorf("sighting %d lacks %q: %s", i+1, key, line)
			}
		}
	}
}

func TestHuntExitStatus(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  int
	}{
		{"sightings without --fail-on-sighting", "", []string{"hunt", "-q", "--iocs", examples + "/intel", examples + "/logs"}, ExitOK},
		{"sightings with --fail-on-sighting", "", []string{"hunt", "-q", "--fail-on-sighting", "--iocs", examples + "/intel", examples + "/logs"}, ExitSightings},
		{"no sightings with --fail-on-sighting", `{"_path":"dns","query":"www.nhs.uk"}`, []string{"hunt", "-q", "--fail-on-sighting", "--iocs", examples + "/intel", "-"}, ExitOK},
		{"missing log", "", []string{"hunt", "--iocs", examples + "/intel", "no/such/file.ndjson"}, ExitUsage},
		{"missing intel", "", []string{"hunt", "--iocs", "no/such/intel", examples + "/logs"}, ExitUsage},
		{"no --iocs", "", []string{"hunt", examples + "/logs"}, ExitUsage},
		{"unknown format", "", []string{"hunt", "--format", "pcap", "--iocs", examples + "/intel", examples + "/logs"}, ExitUsage},
		{"bad tlp", "", []string{"hunt", "--tlp", "purple", "--iocs", examples + "/intel", examples + "/logs"}, ExitUsage},
		{"unknown command", "", []string{"frobnicate"}, ExitUsage},
		{"help", "", []string{"hunt", "--help"}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, errOut := run(t, tt.stdin, tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.want, errOut)
			}
		})
	}
}

func TestHuntStdinAndErrorsAreReadable(t *testing.T) {
	logs := "{\"_path\":\"dns\",\"query\":\"c2.badcorp.example\"}\nnot json\n"
	code, out, errOut := run(t, logs, "hunt", "--iocs", examples+"/intel/partner-c2.txt", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"line":1`) || !strings.Contains(out, `"indicator":"c2.badcorp.example"`) {
		t.Errorf("sighting from stdin missing:\n%s", out)
	}
	if !strings.Contains(errOut, "-:2") {
		t.Errorf("the unparseable line should be named with its line number:\n%s", errOut)
	}
	_, _, errOut = run(t, "", "hunt", "--iocs", examples+"/intel", "no/such/file.ndjson")
	if !strings.Contains(errOut, "no/such/file.ndjson") || strings.Contains(errOut, "goroutine") {
		t.Errorf("error should name the file and nothing internal:\n%s", errOut)
	}
}

func TestIntelStatsJSON(t *testing.T) {
	code, out, errOut := run(t, "", "intel", "stats", "--json", examples+"/intel")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"total", "by_type", "not_matchable", "rejected", "warninglisted", "expired"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report lacks %q", key)
		}
	}
	golden(t, "intel-stats-examples.json", strings.ReplaceAll(out, examples, "examples"))
}

func TestAccountsAndOperations(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir + "/data"
	steps := []struct {
		name    string
		stdin   string
		args    []string
		want    int
		wantOut string
	}{
		{"migrate", "", []string{"migrate", data}, ExitOK, "up to date"},
		{"add an analyst", "s3cret-passphrase\n", []string{"user", "add", data, "--email", "Ana@Centre.example", "--role", "sector_analyst", "--password-stdin"}, ExitOK, "created ana@centre.example"},
		{"duplicate email", "", []string{"user", "add", data, "--email", "ana@centre.example", "--role", "sector_analyst"}, ExitUsage, ""},
		{"org role needs an org", "", []string{"user", "add", data, "--email", "x@gp.example", "--role", "org_member"}, ExitUsage, ""},
		{"unknown role", "", []string{"user", "add", data, "--email", "x@gp.example", "--role", "wizard"}, ExitUsage, ""},
		{"token for the analyst", "", []string{"token", "create", data, "--email", "ana@centre.example", "--name", "SIEM"}, ExitOK, "vgl_"},
		{"token for nobody", "", []string{"token", "create", data}, ExitUsage, ""},
		{"sensor without org", "", []string{"token", "create", data, "--sensor"}, ExitUsage, ""},
		{"token for an unknown user", "", []string{"token", "create", data, "--email", "ghost@centre.example"}, ExitUsage, ""},
		{"new password for the analyst", "another-long-passphrase\n", []string{"user", "password", data, "--email", "ana@centre.example", "--password-stdin"}, ExitOK, "new password set for ana@centre.example"},
		{"a common password is refused", "password\n", []string{"user", "password", data, "--email", "ana@centre.example", "--password-stdin"}, ExitUsage, ""},
		{"disable the analyst", "", []string{"user", "disable", data, "--email", "ana@centre.example"}, ExitOK, "ana@centre.example is disabled"},
		{"enable the analyst", "", []string{"user", "enable", data, "--email", "ana@centre.example"}, ExitOK, "enabled again"},
		{"disable nobody", "", []string{"user", "disable", data, "--email", "ghost@centre.example"}, ExitUsage, ""},
		{"audit verifies", "", []string{"audit", "verify", data}, ExitOK, "audit log intact"},
		{"backup", "", []string{"backup", data, dir + "/backup.db"}, ExitOK, "backup written"},
		{"restore with another server's secret", "", []string{"restore", "--data-dir=" + dir + "/other", dir + "/backup.db"}, ExitUsage, ""},
		{"restore", "", []string{"restore", "--data-dir=" + dir + "/restored", dir + "/backup.db"}, ExitOK, "restored"},
		{"restored data has the audit log", "", []string{"audit", "verify", "--data-dir=" + dir + "/restored"}, ExitOK, "intact"},
	}
	// The restored data dir has the server's secret, which keys the audit chain.
	for _, d := range []string{"data", "restored"} {
		os.MkdirAll(filepath.Join(dir, d), 0o700)
		os.WriteFile(filepath.Join(dir, d, "secret"), []byte(strings.Repeat("5e", 32)+"\n"), 0o600)
	}
	for _, st := range steps {
		code, out, errOut := run(t, st.stdin, st.args...)
		if code != st.want || !strings.Contains(out, st.wantOut) {
			t.Fatalf("%s: exit %d (want %d), stdout %q (want %q), stderr:\n%s", st.name, code, st.want, out, st.wantOut, errOut)
		}
		if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
			t.Fatalf("%s: internal detail leaked to stderr:\n%s", st.name, errOut)
		}
	}
}

// TestAuditVerifyHead checks `vigil audit verify --head` against a head taken earlier:
// it passes while the log holds it and fails once an older copy is restored.
func TestAuditVerifyHead(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir + "/data"
	head := func() string {
		t.Helper()
		code, out, errOut := run(t, "", "audit", "verify", data)
		_, h, ok := strings.Cut(strings.TrimSpace(out), ", head ")
		if code != ExitOK || !ok {
			t.Fatalf("audit verify: exit %d, stdout %q, stderr %s", code, out, errOut)
		}
		return strings.Fields(h)[0]
	}
	run(t, "", "user", "add", data, "--email", "ana@centre.example", "--role", "sector_analyst")
	run(t, "", "backup", data, dir+"/older.db")
	run(t, "", "token", "create", data, "--email", "ana@centre.example", "--name", "SIEM")
	recorded := head()
	steps := []struct {
		name    string
		args    []string
		want    int
		wantOut string
	}{
		{"the log holds the head", []string{"audit", "verify", data, "--head", recorded}, ExitOK, "holds the 1 head(s) given"},
		{"a malformed head", []string{"audit", "verify", data, "--head", "12"}, ExitUsage, "SEQ:HASH"},
		{"restore an older copy", []string{"restore", data, dir + "/older.db"}, ExitOK, "restored"},
		{"the restored log lacks the head", []string{"audit", "verify", data, "--head", recorded}, ExitFailure, "was rewritten or replaced"},
		{"the restored log alone holds", []string{"audit", "verify", data}, ExitOK, "intact"},
	}
	for _, st := range steps {
		code, out, errOut := run(t, "", st.args...)
		if code != st.want || !strings.Contains(out+errOut, st.wantOut) {
			t.Fatalf("%s: exit %d (want %d), stdout %q, stderr %q (want %q)", st.name, code, st.want, out, errOut, st.wantOut)
		}
	}
}

func TestOrgImport(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir
	csvPath := filepath.Join(dir, "orgs.csv")
	os.WriteFile(csvPath, []byte("ods_code,name,kind,region,parent,ip_ranges,domains,suppliers\n"+
		"RXX01,Example Site,trust,North West,RXX,192.0.2.128/25,,\n"+ // parent defined below: created first
		"RXX,Example Hospitals NHS Trust,trust,North West,,192.0.2.0/24,trust.example,\n"+
		"YS001,Care Systems Ltd,supplier,,,,caresystems.example,\n"+
		"VN123,Meadow View Care Home,care_provider,North West,,203.0.113.0/28,,YS001\n"+
		"VN124,Bad Range,care_provider,,,10.0.0.0/7,,\n"+
		"VN125,Ghost Supplier Care,care_provider,,,,,YS999\n"), 0o600)
	code, out, errOut := run(t, "", "org", "import", data, csvPath)
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d (some rows refused); stdout:\n%s\nstderr:\n%s", code, ExitUsage, out, errOut)
	}
	for _, want := range []string{"imported 5 organisation(s)", "2 row(s) refused", "line 6: ip_ranges", "line 7: supplier YS999", "1 overlapping IP claim"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", "org", "import", data, csvPath)
	if !strings.Contains(out, "imported 0 organisation(s)") || code != ExitUsage {
		t.Errorf("importing again without --update should refuse existing rows:\n%s", out)
	}
	code, out, _ = run(t, "", "org", "import", "--update", data, csvPath)
	if !strings.Contains(out, "imported 5 organisation(s)") {
		t.Errorf("--update should update existing rows (exit %d):\n%s", code, out)
	}
}

// TestHuntKeepInternal hunts with a block list that carries 10.0.0.0/8 (as firehol_level1
// does): without --keep-internal it matches nothing and says why; with it, the analyst's
// own internal address is found on purpose.
func TestHuntKeepInternal(t *testing.T) {
	dir := t.TempDir()
	iocs := filepath.Join(dir, "blocklist.netset")
	if err := os.WriteFile(iocs, []byte("10.0.0.0/8\n192.168.0.0/16\n198.51.100.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := examples + "/logs/zeek-dns.ndjson"
	code, out, errOut := run(t, "", "hunt", "--iocs", iocs, logs)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, `"indicator":"10.0.0.0/8"`) {
		t.Errorf("10.0.0.0/8 matched without --keep-internal:\n%s", out)
	}
	if !strings.Contains(errOut, "2 of the not matchable are internal") || !strings.Contains(errOut, "--keep-internal") {
		t.Errorf("summary does not say why the private ranges were left out:\n%s", errOut)
	}
	code, out, errOut = run(t, "", "hunt", "--keep-internal", "--iocs", iocs, logs)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"indicator":"10.0.0.0/8"`) {
		t.Errorf("10.0.0.0/8 not matched with --keep-internal:\n%s", out)
	}
	_, out, _ = run(t, "", "intel", "stats", iocs)
	if !strings.Contains(out, "10.0.0.0/8 is in 10.0.0.0/8, private-use address space (RFC 1918)") {
		t.Errorf("intel stats does not list the private range with its reason:\n%s", out)
	}
	_, out, _ = run(t, "", "hunt", "--help")
	if !strings.Contains(out, "--keep-internal") {
		t.Errorf("--help does not document --keep-internal:\n%s", out)
	}
}

// TestServeHelpListsEveryConfigKey: `vigil serve --help` names every key a config file
// may hold.
func TestServeHelpListsEveryConfigKey(t *testing.T) {
	code, out, _ := run(t, "", "serve", "--help")
	if code != ExitOK {
		t.Fatalf("serve --help: exit %d", code)
	}
	words := strings.FieldsFunc(out, func(r rune) bool { return r == ' ' || r == '\n' || r == ',' || r == '.' })
	for _, k := range config.FileKeys() {
		if !slices.Contains(words, k) {
			t.Errorf("serve --help does not list the config key %s:\n%s", k, out)
		}
	}
}

// TestHuntWalksTelemetryFilesOnly hunts a directory holding logs beside a README and
// notes: only the logs are read, and the summary counts what was skipped.
func TestHuntWalksTelemetryFilesOnly(t *testing.T) {
	dir := t.TempDir()
	log, err := os.ReadFile(examples + "/logs/zeek-dns.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"README.md":     []byte("# Logs\nThese came from c2.badcorp.example's victim.\n"),
		"sub/notes.txt": []byte("198.51.100.23 was seen\n"),
		"sub/zeek.log":  log,
		"events.NDJSON": log,
		"sysmon.json":   []byte(`{"EventID":3,"DestinationIp":"198.51.100.23"}` + "\n"),
		"sub/LICENSE":   []byte("public domain\n"),
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, "", "hunt", "--iocs", examples+"/intel", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "hunted 3 file(s)") || !strings.Contains(errOut, "skipped 3 file(s) in directories that are not telemetry") {
		t.Errorf("summary should count 3 files hunted and 3 skipped:\n%s", errOut)
	}
	if strings.Contains(out, "README.md") || strings.Contains(out, "notes.txt") || strings.Contains(errOut, "unparseable line") {
		t.Errorf("a non-telemetry file was read:\nstdout %s\nstderr %s", out, errOut)
	}
	// A file named on the command line is read whatever its name.
	code, _, errOut = run(t, "", "hunt", "--iocs", examples+"/intel", filepath.Join(dir, "sub", "notes.txt"))
	if code != ExitOK || !strings.Contains(errOut, "hunted 1 file(s)") || strings.Contains(errOut, "skipped") {
		t.Errorf("exit %d; a named file should be hunted:\n%s", code, errOut)
	}
}

// TestHuntWarnsOfIntelReadAsTelemetry gives a second intel file after one --iocs, where
// the flag parser takes it for a log: the hunt still reads it, and says it looks like
// intel and how to give it; real telemetry draws no such warning.
func TestHuntWarnsOfIntelReadAsTelemetry(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "week.json")
	if err := os.WriteFile(bundle, []byte(`{"type": "bundle", "id": "bundle--1", "objects": [{"type": "indicator", "pattern": "[domain-name:value = 'c2.badcorp.example']"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	misp := filepath.Join(dir, "event.json")
	if err := os.WriteFile(misp, []byte(`{"Event": {"info": "x", "Attribute": [{"type": "domain", "value": "c2.badcorp.example"}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", "hunt", "--iocs", examples+"/intel", bundle, misp, examples+"/logs")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{bundle + " (a STIX bundle) looks like intel", misp + " (a MISP event) looks like intel", "give each intel file with its own --iocs"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Count(errOut, "looks like intel") != 2 {
		t.Errorf("only the two intel files should be named:\n%s", errOut)
	}
}

// An inventory uploaded with the command line is kept on the server's store, its
// unreadable parts listed; a file nothing can be read from is refused with exit 2.
func TestInventoryUpload(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir
	orgs := filepath.Join(dir, "orgs.csv")
	os.WriteFile(orgs, []byte("ods_code,name,kind\nVN123,Meadow View Care Home,care_provider\n"), 0o600)
	if code, out, errOut := run(t, "", "org", "import", data, orgs); code != ExitOK {
		t.Fatalf("org import: %d %s %s", code, out, errOut)
	}
	inv := filepath.Join(dir, "care home.csv")
	os.WriteFile(inv, []byte("vendor,product,version\nMicrosoft,Windows 10,22H2\n,,\n"), 0o600)
	code, out, errOut := run(t, "", "inventory", "upload", data, "--org", "VN123", inv)
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []string{"read as csv, 1 component(s)", `replaced inventory "care-home.csv" of VN123, which now holds 1`, "line 3:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	purls := filepath.Join(dir, "app.txt")
	os.WriteFile(purls, []byte("pkg:npm/lodash@4.17.20\n"), 0o600)
	if code, out, _ = run(t, "", "inventory", "upload", data, "--org", "VN123", "--source", "care-home.csv", "--merge", purls); code != ExitOK ||
		!strings.Contains(out, "which now holds 2") {
		t.Errorf("merge: %d %s", code, out)
	}
	if code, out, _ = run(t, "", "inventory", "list", data, "--org", "VN123"); code != ExitOK || !strings.Contains(out, "care-home.csv\tpurls\t2 component(s)") {
		t.Errorf("list: %d %s", code, out)
	}
	bad := filepath.Join(dir, "notes.dat")
	os.WriteFile(bad, []byte("hello there\n"), 0o600)
	if code, _, errOut = run(t, "", "inventory", "upload", data, "--org", "VN123", bad); code != ExitUsage || !strings.Contains(errOut, "notes.dat: not a format") {
		t.Errorf("an unreadable file: exit %d, %s", code, errOut)
	}
	if code, _, errOut = run(t, "", "inventory", "upload", data, "--org", "VN999", inv); code != ExitUsage || !strings.Contains(errOut, "no organisation VN999") {
		t.Errorf("an unknown organisation: exit %d, %s", code, errOut)
	}
}

// TestHuntWithheldWeakSightings: weak sightings past --weak-limit are pointed to
// --summary, except when --summary is on, which counts every one; --help gives the default.
func TestHuntWithheldWeakSightings(t *testing.T) {
	dir := t.TempDir()
	iocs := filepath.Join(dir, "trails", "suspicious", "dynamic_domain.txt") // a suspicious list: weak
	logs := filepath.Join(dir, "dns.ndjson")
	if err := os.MkdirAll(filepath.Dir(iocs), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(iocs, []byte("dyn.example.net\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	query := `{"_path":"dns","ts":"2026-11-01T00:00:00Z","query":"dyn.example.net"}` + "\n"
	if err := os.WriteFile(logs, []byte(strings.Repeat(query, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	const pointer = "not listed line by line: see --summary"
	code, out, errOut := run(t, "", "hunt", "--weak-limit", "1", "--iocs", iocs, logs)
	if code != ExitOK || strings.Count(out, "\n") != 1 || !strings.Contains(errOut, "2 weak ones "+pointer) {
		t.Errorf("exit %d, %d sightings listed, stderr:\n%s\nwant 1 listed and 2 pointed to --summary", code, strings.Count(out, "\n"), errOut)
	}
	code, out, errOut = run(t, "", "hunt", "--summary", "--weak-limit", "1", "--iocs", iocs, logs)
	if code != ExitOK || !strings.Contains(out, "dyn.example.net") || strings.Contains(errOut, pointer) {
		t.Errorf("with --summary: exit %d, stdout:\n%s\nstderr:\n%s\nwant the indicator summed up and no pointer to --summary", code, out, errOut)
	}
	_, out, _ = run(t, "", "hunt", "--help")
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "(default: 20)") {
		t.Errorf("--help does not give --weak-limit's default:\n%s", out)
	}
}
