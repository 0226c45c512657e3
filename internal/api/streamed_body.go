package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// streamedBody is embedded in the input of an operation that streams its request body
// (an upload of any size) rather than having huma buffer it.
type streamedBody struct {
	req *http.Request // the request, whose body the handler reads
}

// Resolve keeps the request so that the handler can stream its body.
func (b *streamedBody) Resolve(ctx huma.Context) []error {
	b.req, _ = humago.Unwrap(ctx)
	return nil
}
