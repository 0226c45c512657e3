package threatintel

import "time"

// SetCheckTimeout bounds feed checks by d rather than checkTimeout, so that a test need
// not wait 30 seconds for a source that does not answer.
func SetCheckTimeout(s *Service, d time.Duration) { s.checkTimeout = d }
