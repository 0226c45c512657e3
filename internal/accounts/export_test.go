package accounts

// TakeHashSlots takes every password-hashing slot of s, as if that many sign-ins were
// being checked, and returns the function that frees them.
func TakeHashSlots(s *Service) func() {
	for range cap(s.hashSlots) {
		s.hashSlots <- struct{}{}
	}
	return func() {
		for range cap(s.hashSlots) {
			<-s.hashSlots
		}
	}
}
