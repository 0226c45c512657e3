package intel

import (
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
)

// TestLoadParallelLoadsAsLoadDoes reads the test intel (lists, CSV, STIX, MISP events
// and feeds, warninglists among them) with Load and with LoadParallel on several
// workers: the same indicators must come out in the same order, with the same counts.
func TestLoadParallelLoadsAsLoadDoes(t *testing.T) {
	opts := Options{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	paths := []string{"testdata/lists", "testdata/misp", "testdata/stix", "testdata/warninglists"}
	var want []vigil.Indicator
	wantRep, wantErr := Load(paths, opts, func(ind vigil.Indicator) { want = append(want, ind) })
	if len(want) == 0 {
		t.Fatal("the test intel holds no indicators: the comparison would prove nothing")
	}
	for _, workers := range []int{1, 2, 3, 8} {
		var got []vigil.Indicator
		rep, err := LoadParallel(paths, opts, workers, func(ind vigil.Indicator) { got = append(got, ind) })
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%d workers: error %v, Load said %v", workers, err, wantErr)
		}
		if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%d workers: indicators (-Load +LoadParallel):\n%s", workers, diff)
		}
		if diff := gocmp.Diff(wantRep, rep, cmpopts.IgnoreFields(Report{}, "Problems"), cmpopts.IgnoreUnexported(Report{}),
			cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%d workers: report (-Load +LoadParallel):\n%s", workers, diff)
		}
	}
}

// TestLoadParallelStopsAtAMissingPath checks that a path that cannot be read is an
// error, after the indicators of the paths before it, as with Load.
func TestLoadParallelStopsAtAMissingPath(t *testing.T) {
	var n int
	_, err := LoadParallel([]string{"testdata/lists", "testdata/no-such-file"}, Options{}, 4, func(vigil.Indicator) { n++ })
	if err == nil || n == 0 {
		t.Errorf("LoadParallel = %v after %d indicators; want the missing path named, after the first path's indicators", err, n)
	}
}
