package api

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// docsPage lists the API's operations from the OpenAPI document, with nothing loaded
// from elsewhere: centres and care providers often sit behind networks that block CDNs,
// where a JavaScript reference viewer would show an empty page.
var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
code{font-size:14px}.m{font-weight:600}</style></head>
<body><h1>{{.Title}} API {{.Version}}</h1>
<p>{{.Description}}</p>
<p>Every path is under <code>{{.Prefix}}</code>. Authenticate with <code>Authorization: Bearer vgl_…</code>
(an API token) or the session cookie that <code>POST {{.Prefix}}/session</code> sets. Errors are
RFC 9457 problem documents. The machine-readable description is
<a href="{{.Prefix}}/openapi.json">{{.Prefix}}/openapi.json</a> (OpenAPI 3.1).</p>
{{range .Groups}}<h2>{{.Tag}}</h2>
<table><tr><th>method</th><th>path</th><th>what it does</th></tr>
{{range .Ops}}<tr><td class="m">{{.Method}}</td><td><code>{{.Path}}</code></td><td>{{.Summary}}{{if .Description}}<br><small>{{.Description}}</small>{{end}}</td></tr>
{{end}}</table>{{end}}
</body></html>`))

type docsOp struct{ Method, Path, Summary, Description string }

type docsGroup struct {
	Tag string
	Ops []docsOp
}

// docs answers GET /api/v1/docs with the page.
func (a *API) docs(w http.ResponseWriter, r *http.Request) {
	doc := a.huma.OpenAPI()
	groups := map[string][]docsOp{}
	for path, item := range doc.Paths {
		for method, op := range operations(item) {
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			groups[tag] = append(groups[tag], docsOp{method, path, op.Summary, op.Description})
		}
	}
	data := struct {
		Title, Version, Description, Prefix string
		Groups                              []docsGroup
	}{doc.Info.Title, doc.Info.Version, doc.Info.Description, Prefix, nil}
	for tag, ops := range groups {
		slices.SortFunc(ops, func(x, y docsOp) int {
			return cmp.Or(strings.Compare(x.Path, y.Path), strings.Compare(x.Method, y.Method))
		})
		data.Groups = append(data.Groups, docsGroup{tag, ops})
	}
	slices.SortFunc(data.Groups, func(x, y docsGroup) int { return strings.Compare(x.Tag, y.Tag) })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := docsPage.Execute(w, data); err != nil {
		a.log.ErrorContext(r.Context(), "render API docs", "error", err)
	}
}

// operations are a path item's operations by method.
func operations(p *huma.PathItem) map[string]*huma.Operation {
	ops := map[string]*huma.Operation{}
	for method, op := range map[string]*huma.Operation{http.MethodGet: p.Get, http.MethodPost: p.Post,
		http.MethodPut: p.Put, http.MethodPatch: p.Patch, http.MethodDelete: p.Delete} {
		if op != nil {
			ops[method] = op
		}
	}
	return ops
}
