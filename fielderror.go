package vigil

// FieldError is input refused for one of its fields, so that a form can say which to
// fix and keep the rest of what was typed.
type FieldError struct {
	// Field is the part to fix, as the form and the API name it.
	Field string
	// Err says what is wrong, as a vigil error.
	Err error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns the vigil error, so that its code and message reach the doors.
func (e *FieldError) Unwrap() error { return e.Err }

// OnField wraps err, when not nil, as a FieldError on field.
func OnField(field string, err error) error {
	if err == nil {
		return nil
	}
	return &FieldError{Field: field, Err: err}
}
