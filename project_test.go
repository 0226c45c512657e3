package vigil_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/vigil-health/vigil"

// packages parses every non-test Go package in the module, keyed by directory.
func packages(t *testing.T) map[string]map[string]*ast.File {
	t.Helper()
	pkgs := map[string]map[string]*ast.File{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		if pkgs[dir] == nil {
			pkgs[dir] = map[string]*ast.File{}
		}
		pkgs[dir][path] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// TestPackageDocs keeps the codebase readable: every package has exactly one package
// comment, and every exported name has a doc comment that starts with its name.
func TestPackageDocs(t *testing.T) {
	for dir, files := range packages(t) {
		var withDoc []string
		for path, f := range files {
			if f.Doc != nil {
				withDoc = append(withDoc, path)
			}
			checkExportedDocs(t, path, f)
		}
		if len(withDoc) != 1 {
			t.Errorf("package %s has %d package comments (in %v), want exactly one", dir, len(withDoc), withDoc)
		}
	}
}

func checkExportedDocs(t *testing.T, path string, f *ast.File) {
	t.Helper()
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() && (d.Recv == nil || receiverExported(d.Recv)) {
				checkDoc(t, path, d.Name.Name, d.Doc)
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						checkDoc(t, path, s.Name.Name, firstDoc(s.Doc, d.Doc))
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						// Grouped constants and variables may share the group's comment.
						if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
							t.Errorf("%s: exported %s has no doc comment", path, n.Name)
						}
					}
				}
			}
		}
	}
}

func receiverExported(fl *ast.FieldList) bool {
	typ := fl.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok {
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

func firstDoc(docs ...*ast.CommentGroup) *ast.CommentGroup {
	for _, d := range docs {
		if d != nil {
			return d
		}
	}
	return nil
}

func checkDoc(t *testing.T, path, name string, doc *ast.CommentGroup) {
	t.Helper()
	if doc == nil {
		t.Errorf("%s: exported %s has no doc comment", path, name)
		return
	}
	text := doc.Text()
	if !strings.HasPrefix(text, name+" ") && !strings.HasPrefix(text, "A "+name+" ") && !strings.HasPrefix(text, "An "+name+" ") {
		t.Errorf("%s: doc comment of %s should start with its name, got %q", path, name, firstLine(text))
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// The layers, from the bottom up. Dependencies point one way: doors → use cases →
// engines and store → domain. See docs/architecture.md.
const (
	domain  = "domain"  // the root package: types and rules, standard library only
	engine  = "engine"  // pure functions over domain values, usable offline (hunt, intel stats)
	storage = "store"   // SQL only: maps rows to domain types
	usecase = "usecase" // one method per thing a person, sensor or schedule does
	compose = "compose" // builds the use cases over one store and wires their hooks
	door    = "door"    // API, pages, middleware: decode, call one use case, answer
	outside = "outside" // the command line and tools: compose the app, or use engines and store offline
)

// layers names every package's layer, by directory; a directory inherits its parent's
// layer. A package that is in none fails TestDependencyDirection until it is placed.
var layers = map[string]string{
	".":                           domain,
	"internal/ioc":                engine,
	"internal/intel":              engine,
	"internal/match":              engine,
	"internal/telemetry":          engine,
	"internal/hunt":               engine,
	"internal/warn":               engine,
	"internal/feeds":              engine,
	"internal/orgcsv":             engine,
	"internal/inventory":          engine,
	"internal/config":             engine,
	"internal/vuln":               engine,
	"internal/vex":                engine,
	"internal/jsonpos":            engine,
	"internal/disclosure":         engine,
	"internal/chartscale":         engine,
	"internal/schedule":           engine,
	"internal/shareddata":         engine, // test support: finds the public test data set
	"internal/store":              storage,
	"internal/accounts":           usecase,
	"internal/auditlog":           usecase,
	"internal/orgs":               usecase,
	"internal/alerts":             usecase,
	"internal/earlywarning":       usecase,
	"internal/threatintel":        usecase,
	"internal/cluster":            usecase,
	"internal/sightings":          usecase,
	"internal/notify":             usecase,
	"internal/incidents":          usecase,
	"internal/posture":            usecase,
	"internal/posture/frameworks": engine,
	"internal/support":            usecase,
	"internal/inventories":        usecase,
	"internal/exposure":           usecase,
	"internal/reports":            usecase,
	"internal/app":                compose,
	"internal/demo":               compose,
	"internal/api":                door,
	"internal/web":                door,
	"internal/pages":              door,
	"internal/cli":                outside,
	"cmd":                         outside,
	"bench":                       outside,
}

// mayImport says which other layers each layer may import. Only the domain is kept from
// third-party modules too.
var mayImport = map[string][]string{
	domain:  {},
	engine:  {domain},
	storage: {domain, engine},
	usecase: {domain, engine, storage},
	compose: {domain, engine, storage, usecase},
	door:    {domain, engine, usecase, compose},
	outside: {domain, engine, storage, usecase, compose, door},
}

// layerOf returns the layer of the package in dir (slash-separated, "." for the root).
func layerOf(dir string) (string, bool) {
	for d := dir; ; d = path.Dir(d) {
		if l, ok := layers[d]; ok {
			return l, true
		}
		if d == "." || d == "/" {
			return "", false
		}
	}
}

// TestDependencyDirection keeps dependencies one-way over every package of the module:
// the root package imports only the standard library; engines import neither use cases
// nor the store, so they work offline as well as in the server; the doors people reach
// (the API, the pages, the middleware) never import the store, so every rule they rely
// on is in a use case; and use cases never import a door.
func TestDependencyDirection(t *testing.T) {
	for dir := range layers {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("layers names %s, which does not exist: remove it", dir)
		}
	}
	for dir, files := range packages(t) {
		dir = filepath.ToSlash(dir)
		layer, ok := layerOf(dir)
		if !ok {
			t.Errorf("package %s has no layer: add it to layers in project_test.go (see docs/architecture.md)", dir)
			continue
		}
		for file, f := range files {
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				checkImport(t, file, layer, p)
			}
		}
	}
}

// checkImport reports an import of p, from file in layer, that goes the wrong way.
func checkImport(t *testing.T, file, layer, p string) {
	t.Helper()
	if p != module && !strings.HasPrefix(p, module+"/") {
		if layer == domain && strings.Contains(strings.Split(p, "/")[0], ".") {
			t.Errorf("%s: the root package imports only the standard library, not %s", file, p)
		}
		return
	}
	dir := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
	if dir == "" {
		dir = "."
	}
	to, ok := layerOf(dir)
	if !ok || to == layer {
		return
	}
	if !slices.Contains(mayImport[layer], to) {
		t.Errorf("%s: a %s package may not import %s (a %s package)", file, layer, p, to)
	}
}

// TestMainIsTiny keeps cmd/vigil/main.go a thin shell over cli.Run, so every command is testable.
func TestMainIsTiny(t *testing.T) {
	b, err := os.ReadFile("cmd/vigil/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n > 30 {
		t.Errorf("cmd/vigil/main.go has %d lines; keep it to wiring cli.Run", n)
	}
}
