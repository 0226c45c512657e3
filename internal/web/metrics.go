package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
)

// metrics are the server's own Prometheus collectors, on a registry the server owns
// (never the global one, so that two servers in one process, as in tests, do not
// collide).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_http_requests_total",
			Help: "HTTP requests answered, by route (method and pattern, or unmatched) and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigil_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "vigil_http_requests_in_flight",
			Help: "HTTP requests being answered now.",
		}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// sectorOnly lets only the centre's staff through: the metrics say how much each flow
// carries, which is the centre's business. Prometheus scrapes with a sector analyst's
// API token (authorization: {credentials: vgl_…} in its scrape config).
func (s *Server) sectorOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := api.PrincipalFrom(r.Context())
		switch {
		case !ok:
			api.WriteError(w, r, s.log, vigil.Errorf(vigil.EUNAUTHORIZED,
				"the metrics need a sector analyst's or admin's API token: Authorization: Bearer vgl_…"))
		case !p.Role.Sector():
			api.WriteError(w, r, s.log, vigil.Errorf(vigil.EFORBIDDEN, "the metrics are for the sector centre's staff only"))
		default:
			next.ServeHTTP(w, r)
		}
	})
}
