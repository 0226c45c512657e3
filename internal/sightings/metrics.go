package sightings

import "github.com/prometheus/client_golang/prometheus"

// metrics are the flows' Prometheus collectors: telemetry ingest and match rates.
type metrics struct {
	telemetryBytes  prometheus.Counter
	telemetryEvents prometheus.Counter
	telemetryBusy   prometheus.Counter
	observables     prometheus.Counter
	sightings       prometheus.Counter
}

func newMetrics() *metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &metrics{
		telemetryBytes:  counter("vigil_telemetry_bytes_total", "Telemetry bytes read (after decompression)."),
		telemetryEvents: counter("vigil_telemetry_events_total", "Telemetry events parsed."),
		telemetryBusy:   counter("vigil_telemetry_refused_busy_total", "Telemetry uploads refused with 429 because ingest was saturated."),
		observables:     counter("vigil_observables_checked_total", "Observables extracted from telemetry and looked up in the matcher."),
		sightings:       counter("vigil_sightings_total", "Observables that matched an indicator."),
	}
	return m
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.telemetryBytes,
		m.telemetryEvents, m.telemetryBusy, m.observables, m.sightings}
}
