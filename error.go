package vigil

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer; one function in the web layer maps them to HTTP status.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says how to fix it
	ENOTFOUND     = "not_found"    // no such thing, or not yours to see
	ECONFLICT     = "conflict"     // it clashes with something that exists
	EFORBIDDEN    = "forbidden"    // you are known but may not do this
	EUNAUTHORIZED = "unauthorized" // who you are is not known
	EUNAVAILABLE  = "unavailable"  // try again later
	EINTERNAL     = "internal"     // a fault of ours; details only in the log
)

// Error is an error whose Message is safe to show to the person who caused it.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is a human-readable explanation that says what to do.
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
