package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// An upload past max_intel_bytes is a 413 naming the cap; an archive nested too deep is
// a 422 saying so.
func TestIntelUploadError(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantDetail string
	}{
		{"unpacks past the cap", fmt.Errorf("the first 3 indicators were kept: %w", &intel.TooLargeError{Limit: 1 << 20}), 413, "kept: the data unpacks to more than 1048576 bytes"},
		{"gzip inside gzip", vigil.Errorf(vigil.EINVALID, "l.txt: gzip inside gzip: %v", intel.ErrNested), 422, "one gzip layer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := WithRequestID(context.Background(), "req-1")
			p, _ := Problem(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), intelUploadError(ctx, tt.err))
			if p.Status != tt.wantStatus || !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("problem %d %q, want %d containing %q", p.Status, p.Detail, tt.wantStatus, tt.wantDetail)
			}
		})
	}
}
