package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A server that stops (App.StopJobs, before the store closes) cuts short an advisory
// pull a person asked for, rather than leaving it to run into a closed store: the pull
// answers unavailable and the source stays as it was.
func TestStopJobsCutsAdvisoryPullsShort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		reached := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached <- struct{}{}
			select { // answers nothing until the pull gives up, or fails it after 15 s
			case <-r.Context().Done():
			case <-time.After(15 * time.Second):
				http.Error(w, "held too long", http.StatusServiceUnavailable)
			}
		}))
		defer srv.Close()
		a, err := app.Open(ctx, app.Deps{Store: s, Flows: app.Flows{Secret: secret,
			FeedAllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
		if err != nil {
			t.Fatal(err)
		}
		src, err := a.Exposure.CreateSource(ctx, analyst, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV, URL: srv.URL + "/kev.json"})
		if err != nil {
			t.Fatal(err)
		}
		done, err := a.Exposure.StartPull(ctx, analyst, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		<-reached
		stopped := make(chan struct{})
		go func() { a.StopJobs(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("StopJobs did not return within 10 s of cutting the pull short")
		}
		select {
		case err := <-done:
			if vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
				t.Errorf("the pull cut short answered %v, want unavailable", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the pull was still running 10 s after StopJobs")
		}
		if got, err := s.GetAdvisorySource(ctx, src.ID); err != nil || got.Status != vigil.FeedNever || !got.LastPullAt.IsZero() {
			t.Errorf("source after the stop: %+v (%v), want never pulled", got, err)
		}
	})
}
