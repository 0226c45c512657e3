package shareddata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// layout builds a repository beside a shared/data folder and another data set elsewhere,
// and moves into a package two levels down, as go test does.
func layout(t *testing.T) (top string) {
	top = t.TempDir()
	for _, dir := range []string{"repo/internal/pkg", "shared/data/intel/lists", "elsewhere/intel/lists"} {
		if err := os.MkdirAll(filepath.Join(top, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(top, "repo", "go.mod"), []byte("module example.com/repo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(top, "repo", "internal", "pkg"))
	return top
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, env string // env: $VIGIL_SHARED_DATA, with TOP for the temporary directory
		parts     []string
		want      string // the path found, under TOP; "" for an error
		wantErr   []string
	}{
		{name: "unset: shared/data beside the repository", parts: []string{"intel", "lists"}, want: "shared/data/intel/lists"},
		{name: "unset: the root itself", want: "shared/data"},
		{name: "absolute variable", env: "TOP/elsewhere", parts: []string{"intel", "lists"}, want: "elsewhere/intel/lists"},
		{name: "relative variable, from the repository root", env: "../elsewhere", parts: []string{"intel"}, want: "elsewhere/intel"},
		{name: "unset, missing", parts: []string{"vuln"},
			wantErr: []string{"TOP/shared/data/vuln", "beside the repository TOP/repo", "VIGIL_SHARED_DATA is unset", "set VIGIL_SHARED_DATA"}},
		{name: "variable, missing", env: "TOP/nowhere", parts: []string{"intel"},
			wantErr: []string{"TOP/nowhere/intel", "from VIGIL_SHARED_DATA", "set VIGIL_SHARED_DATA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top := layout(t)
			t.Setenv(Env, strings.ReplaceAll(tt.env, "TOP", top))
			got, err := Find(tt.parts...)
			if tt.want != "" {
				if want := filepath.Join(top, tt.want); err != nil || got != want {
					t.Fatalf("Find(%q) = %q, %v; want %s", tt.parts, got, err, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Find(%q) = %q, want an error", tt.parts, got)
			}
			for _, w := range tt.wantErr {
				if w = strings.ReplaceAll(w, "TOP", top); !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestFindWithoutRepository: outside any module, only the variable can say where the data is.
func TestFindWithoutRepository(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(Env, "")
	if _, err := Find(); err == nil || !strings.Contains(err.Error(), "no go.mod above") {
		t.Errorf("error %v, want one saying no repository was found", err)
	}
}

// TestDir finds the data of this very repository, wherever the run puts it.
func TestDir(t *testing.T) {
	want, err := Find()
	if err != nil {
		t.Skipf("the shared data is not here: %v", err)
	}
	if got := Dir(t); got != want {
		t.Errorf("Dir = %s, want %s", got, want)
	}
}
