package api

// intelRoutes registers the intel operations. (Stub: replaced by the intel work.)
func (a *API) intelRoutes() {}
