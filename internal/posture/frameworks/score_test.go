package frameworks

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

var update = flag.Bool("update", false, "rewrite the golden scores in testdata/score")

var fixedNow = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// scoreCase is one golden case's input: a framework, an organisation's answers and
// what vigil knows of it.
type scoreCase struct {
	Framework string                `json:"framework"`
	Answers   []vigil.PostureAnswer `json:"answers"`
	Known     []vigil.Known         `json:"known"`
}

// golden is what a case's golden file holds: the score and each item's outcome in short.
type golden struct {
	Score vigil.PostureScore `json:"score"`
	Items []string           `json:"items"`
}

// TestScoreGolden scores each testdata/score/*.in.json and compares it with the
// .golden.json beside it (go test -update rewrites them).
func TestScoreGolden(t *testing.T) {
	ins, _ := filepath.Glob("testdata/score/*.in.json")
	if len(ins) == 0 {
		t.Fatal("no golden cases in testdata/score")
	}
	for _, in := range ins {
		t.Run(filepath.Base(in), func(t *testing.T) {
			var c scoreCase
			b, err := os.ReadFile(in)
			if err == nil {
				err = json.Unmarshal(b, &c)
			}
			if err != nil {
				t.Fatal(err)
			}
			fw, err := Get(c.Framework)
			if err != nil {
				t.Fatal(err)
			}
			known := map[vigil.Fact]vigil.Known{}
			for _, k := range c.Known {
				known[k.Fact] = k
			}
			got := summarise(Score(fw, c.Answers, known, fixedNow))
			compareGolden(t, strings.TrimSuffix(in, ".in.json")+".golden.json", got)
		})
	}
}

// summarise is a result as one line per item: id, grade, and how it stands.
func summarise(r Result) golden {
	g := golden{Score: r.Score}
	for _, it := range r.Items {
		line := it.Item.ID + " " + string(it.Grade)
		for _, f := range []struct {
			on   bool
			word string
		}{{it.ByVigil, "by-vigil"}, {it.Meets, "meets"}, {it.Planned, "planned"}, {it.ReviewDue, "review-due"}} {
			if f.on {
				line += " " + f.word
			}
		}
		g.Items = append(g.Items, line)
	}
	return g
}

func compareGolden(t *testing.T, path string, got golden) {
	t.Helper()
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var want golden
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &want)
	}
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("score differs from %s (-want +got):\n%s", path, d)
	}
}
