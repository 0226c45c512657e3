package feeds

import (
	"fmt"
	"strings"
)

// StepError is a failure with vigil's words for what it was doing when it failed
// ("fetch https://feed.example/list.txt?…", "reading the response"). Step is written by
// vigil, with the URL redacted, and is safe to show; Err may be a library's own text,
// which can name the address dialled, so Worded shows it in FailureReason's words.
type StepError struct {
	// Step says what vigil was doing, in vigil's words.
	Step string
	// Err is what failed, in the words of whoever met it.
	Err error
}

// Error is the step, then the failure as it was met.
func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }

// Unwrap returns the failure, for errors.Is and errors.As.
func (e *StepError) Unwrap() error { return e.Err }

// step wraps err with what vigil was doing; format and args say it, the URL redacted.
func step(err error, format string, args ...any) error {
	return &StepError{Step: fmt.Sprintf(format, args...), Err: err}
}

// Worded is err as a person reads it: the steps vigil was taking, then what failed in
// FailureReason's words. An err FailureReason has no better words for reads as it is.
func Worded(err error, allowSetting string) string {
	why := FailureReason(err, allowSetting)
	if why == err.Error() {
		return why
	}
	var b strings.Builder
	for s, ok := err.(*StepError); ok; s, ok = s.Err.(*StepError) {
		b.WriteString(s.Step + ": ")
	}
	return b.String() + why
}
