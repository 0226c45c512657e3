package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
)

// readyTimeout bounds the database check of /readyz.
const readyTimeout = 2 * time.Second

// healthz answers 200 while the process runs.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 when the database answers and the server holds the latest matcher
// and asset router, and 503 otherwise (saying which, when it is catching up).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.app.Ready(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", slog.String("request_id", api.RequestIDFrom(ctx)), slog.Any("error", err))
		if vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
			err = vigil.Errorf(vigil.EUNAVAILABLE, "the database is not answering")
		}
		api.WriteError(w, r, s.log, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ready"}` + "\n"))
}
