package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/schedule"
)

// Work started in the background outlives the request that started it, ends when the
// server stops, and is waited for; once stopping, nothing more starts.
func TestBackgroundOutlivesItsRequestAndEndsWithTheServer(t *testing.T) {
	var b schedule.Background
	type key struct{}
	request, endRequest := context.WithCancel(context.WithValue(t.Context(), key{}, "asked by admin"))
	running, ended := make(chan string), make(chan error, 1)
	if !b.Start(request, func(ctx context.Context) {
		running <- ctx.Value(key{}).(string)
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // recording how it ended
		ended <- ctx.Err()
	}) {
		t.Fatal("Start refused work before the server stopped")
	}
	if got := <-running; got != "asked by admin" {
		t.Errorf("the work's context holds %q, want the request's values", got)
	}
	endRequest()
	select {
	case err := <-ended:
		t.Fatalf("the work ended with its request (%v), want it to go on", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.Stop()
	select {
	case err := <-ended:
		if err != context.Canceled {
			t.Errorf("the work ended with %v, want it cancelled", err)
		}
	default:
		t.Fatal("Stop returned before the work ended")
	}
	if b.Start(t.Context(), func(context.Context) { t.Error("work ran after Stop") }) {
		t.Error("Start took work after Stop")
	}
	b.Wait()
}
