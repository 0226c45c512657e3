package taxii

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
)

func newSink() *intel.Sink {
	return intel.NewSink(intel.Options{}, &intel.Report{}, func(vigil.Indicator) {})
}

// TestPull checks what Pull promises whatever intel.ParseSTIX makes of the objects: it
// pages through the collection, returns the newest date added, and resumes from it.
func TestPull(t *testing.T) {
	fixtureLast := "2026-01-10T00:00:00.000001Z"
	tests := []struct {
		name, path, root, coll string
		serverPage             int
		fail                   *taxiitest.Failure
		from                   string // addedAfter; empty for the zero time
		wantLast               string
		wantRequests           int
		wantRetryable          bool // the pull stops with a retryable error
	}{
		{name: "medallion", path: medallionPath, root: medallionRoot, coll: medallionColl,
			wantLast: "2017-12-31T13:49:53.935Z", wantRequests: 1},
		{name: "fixture in pages of two", path: fixturePath, root: fixtureRoot, coll: fixtureColl, serverPage: 2,
			wantLast: fixtureLast, wantRequests: 3},
		{name: "fixture from part way", path: fixturePath, root: fixtureRoot, coll: fixtureColl, serverPage: 2,
			from: "2026-01-07T08:30:00.25Z", wantLast: fixtureLast, wantRequests: 2},
		{name: "fixture up to date", path: fixturePath, root: fixtureRoot, coll: fixtureColl,
			from: fixtureLast, wantLast: fixtureLast, wantRequests: 1},
		{name: "fixture busy on the second page", path: fixturePath, root: fixtureRoot, coll: fixtureColl, serverPage: 2,
			fail:     &taxiitest.Failure{Status: 429, After: 1, Header: http.Header{"Retry-After": {"60"}}},
			wantLast: "2026-01-05T09:00:01Z", wantRequests: 2, wantRetryable: true},
		{name: "fixture busy at once", path: fixturePath, root: fixtureRoot, coll: fixtureColl,
			fail: &taxiitest.Failure{Status: 503}, from: "2026-01-01T00:00:00Z",
			wantLast: "2026-01-01T00:00:00Z", wantRequests: 1, wantRetryable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openServer(t, tt.path)
			if tt.serverPage > 0 {
				s.SetMaxPageSize(tt.serverPage)
			}
			if tt.fail != nil {
				s.Fail(*tt.fail)
			}
			c, _ := serve(t, s)
			var from time.Time
			if tt.from != "" {
				from = mustTime(t, tt.from)
			}
			last, err := Pull(context.Background(), c, tt.root, tt.coll, from, nil, newSink())
			var te *Error
			if tt.wantRetryable {
				if !errors.As(err, &te) || !te.Retryable() {
					t.Fatalf("Pull error %v, want a retryable *taxii.Error", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if want := mustTime(t, tt.wantLast); !last.Equal(want) {
				t.Errorf("Pull returned last %v, want %v", last, want)
			}
			reqs := s.Requests()
			if len(reqs) != tt.wantRequests {
				t.Errorf("%d requests, want %d: %q", len(reqs), tt.wantRequests, reqs)
			}
			if tt.from != "" && len(reqs) > 0 {
				u, _ := url.Parse(reqs[0])
				if got := u.Query().Get("added_after"); !mustTime(t, got).Equal(from) {
					t.Errorf("first request asked added_after=%q, want %s", got, tt.from)
				}
			}
		})
	}
}

// TestPullResumes stops a pull with a failure and resumes it from the time Pull returned.
func TestPullResumes(t *testing.T) {
	s := openServer(t, fixturePath)
	s.SetMaxPageSize(1)
	s.Fail(taxiitest.Failure{Status: 503, After: 3})
	c, _ := serve(t, s)
	last, err := Pull(context.Background(), c, fixtureRoot, fixtureColl, time.Time{}, nil, newSink())
	if vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
		t.Fatalf("first pull: %v, want unavailable", err)
	}
	if want := mustTime(t, "2026-01-07T08:30:00.25Z"); !last.Equal(want) {
		t.Fatalf("first pull stopped at %v, want %v", last, want)
	}
	s.Fail(taxiitest.Failure{})
	last, err = Pull(context.Background(), c, fixtureRoot, fixtureColl, last, nil, newSink())
	if err != nil {
		t.Fatal(err)
	}
	if want := mustTime(t, "2026-01-10T00:00:00.000001Z"); !last.Equal(want) {
		t.Errorf("second pull ended at %v, want %v", last, want)
	}
	reqs := s.Requests()
	if !strings.Contains(reqs[4], "added_after=2026-01-07T08%3A30%3A00.25Z") {
		t.Errorf("the resumed pull asked %q, want added_after the last time stored", reqs[4])
	}
	if got := len(reqs); got != 4+3 {
		t.Errorf("%d requests, want 4 for the first pull and 3 for the second", got)
	}
}
