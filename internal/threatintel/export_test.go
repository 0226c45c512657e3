package threatintel

// SetHookLimits makes the hooks read changes back from the store past inMemory of them,
// page at a time, so that a test need not import 50,000 indicators to see it.
func SetHookLimits(s *Service, inMemory, page int) { s.changedInMemory, s.hookPage = inMemory, page }
