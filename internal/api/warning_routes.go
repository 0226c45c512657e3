package api

// warningRoutes registers the warning operations. (Stub: replaced by the warning work.)
func (a *API) warningRoutes() {}
