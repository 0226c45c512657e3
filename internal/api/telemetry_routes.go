package api

// telemetryRoutes registers the telemetry operations. (Stub: replaced by the telemetry work.)
func (a *API) telemetryRoutes() {}
