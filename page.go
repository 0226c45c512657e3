package vigil

// Page sizes for the List methods.
const (
	DefaultLimit = 50   // DefaultLimit is the page size when a filter's Limit is 0.
	MaxLimit     = 1000 // MaxLimit caps a filter's Limit.
)
