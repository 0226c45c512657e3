package schedule

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEachActsOnEveryItemAndNamesFailures(t *testing.T) {
	var seen []int
	n, err := Each(t.Context(), []int{1, 2, 3, 4}, func(i int) string { return "item " + strconv.Itoa(i) },
		func(_ context.Context, i int) (bool, error) {
			seen = append(seen, i)
			switch i {
			case 2:
				return false, errors.New("broken")
			case 3:
				return false, nil // dealt with meanwhile
			}
			return true, nil
		})
	if n != 2 || len(seen) != 4 || err == nil || !strings.Contains(err.Error(), "item 2: broken") {
		t.Errorf("Each = %d, %v after %v; want 2 acted on, item 2 named, all four tried", n, err, seen)
	}
}

func TestEachStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	n, err := Each(ctx, []int{1, 2, 3}, strconv.Itoa, func(context.Context, int) (bool, error) {
		cancel()
		return true, nil
	})
	if n != 1 || !errors.Is(err, context.Canceled) {
		t.Errorf("Each = %d, %v; want 1 and context.Canceled", n, err)
	}
}

func TestEveryRunsUnderTheLeaseUntilSleepSaysStop(t *testing.T) {
	var jobs []string
	once := func(ctx context.Context, job string, every time.Duration, fn func(context.Context)) bool {
		jobs = append(jobs, job+"/"+every.String())
		fn(ctx)
		return true
	}
	passes, sleeps := 0, 0
	Every(t.Context(), once, "escalation", time.Minute, func(context.Context, time.Duration) bool {
		sleeps++
		return sleeps < 3
	}, func(context.Context) { passes++ })
	if passes != 3 || len(jobs) != 3 || jobs[0] != "escalation/1m0s" {
		t.Errorf("passes %d, jobs %v; want 3 passes under the lease", passes, jobs)
	}
}

func TestSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep returned true after the context ended")
	}
	if !Sleep(t.Context(), -time.Second) {
		t.Error("Sleep with a negative wait did not return at once")
	}
}
