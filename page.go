package vigil

// Page sizes for the List methods.
const (
	DefaultLimit = 50   // DefaultLimit is the page size when a filter's Limit is 0.
	MaxLimit     = 1000 // MaxLimit caps a filter's Limit.
)

// PageLimit is the page size to use for a requested limit: DefaultLimit when none is
// asked for, and never more than MaxLimit.
func PageLimit(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}
