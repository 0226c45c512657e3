package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// vigil report reads the store offline and writes the report in each format; bad days
// and periods are usage errors that say what to give.
func TestReport(t *testing.T) {
	data := "--data-dir=" + t.TempDir() + "/data"
	if code, _, errOut := run(t, "", "migrate", data); code != ExitOK {
		t.Fatalf("migrate: exit %d: %s", code, errOut)
	}
	period := []string{"report", data, "--from", "2026-11-01", "--to", "2026-11-30"}
	tests := []struct {
		name     string
		args     []string
		want     int
		wantOut  string // in stdout when it succeeds, stderr when not
		validate func(t *testing.T, out string)
	}{
		{name: "markdown by default", args: period, want: ExitOK, wantOut: "# Sector report: 1 Nov 2026 to 30 Nov 2026"},
		{name: "html", args: append(period, "--format", "html"), want: ExitOK, wantOut: "<title>Sector report: 1 Nov 2026 to 30 Nov 2026</title>"},
		{name: "json", args: append(period, "--format", "json"), want: ExitOK, wantOut: `"from": "2026-11-01"`,
			validate: func(t *testing.T, out string) {
				var d struct {
					To       string `json:"to"`
					Sections []struct {
						ID          string `json:"id"`
						NotRecorded string `json:"not_recorded"`
					} `json:"sections"`
				}
				if err := json.Unmarshal([]byte(out), &d); err != nil || d.To != "2026-11-30" || len(d.Sections) < 7 {
					t.Errorf("JSON report: %+v, %v", d, err)
				}
			}},
		{name: "a day that is not one", args: []string{"report", data, "--from", "1/11/2026"}, want: ExitUsage, wantOut: "give a day as YYYY-MM-DD"},
		{name: "backwards", args: []string{"report", data, "--from", "2026-11-30", "--to", "2026-11-01"}, want: ExitUsage, wantOut: "starts (2026-11-30) after it ends"},
		{name: "longer than a year", args: []string{"report", data, "--from", "2024-01-01", "--to", "2026-11-01"}, want: ExitUsage, wantOut: "longer than 366 days"},
		{name: "unknown format", args: append(period, "--format", "pdf"), want: ExitUsage, wantOut: "--format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, "", tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.want, errOut)
			}
			where := out
			if code != ExitOK {
				where = errOut
			}
			if !strings.Contains(where, tt.wantOut) {
				t.Errorf("output lacks %q:\n%s", tt.wantOut, where)
			}
			if tt.validate != nil {
				tt.validate(t, out)
			}
		})
	}
}
