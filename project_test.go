package vigil_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
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

// TestDependencyDirection keeps dependencies one-way: the root package imports only the
// standard library; the engines never import the store, the web layer or the CLI, so
// they work offline as well as in the server; and the services below the API (the
// centre's flows, the store) never import the API, the web layer or the CLI.
func TestDependencyDirection(t *testing.T) {
	engines := []string{"internal/ioc", "internal/intel", "internal/match", "internal/telemetry", "internal/hunt",
		"internal/warn", "internal/vuln", "internal/feeds"}
	forbidden := []string{module + "/internal/store", module + "/internal/web", module + "/internal/api",
		module + "/internal/ui", module + "/internal/cli"}
	services := []string{"internal/centre", "internal/store"}
	above := forbidden[1:]
	for dir, files := range packages(t) {
		dir = filepath.ToSlash(dir)
		for path, f := range files {
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if dir == "." && strings.Contains(strings.Split(p, "/")[0], ".") {
					t.Errorf("%s: the root package imports only the standard library, not %s", path, p)
				}
				if isUnder(dir, engines) && isUnder(p, forbidden) {
					t.Errorf("%s: engine package imports %s; engines take and return domain values", path, p)
				}
				if isUnder(dir, services) && isUnder(p, above) {
					t.Errorf("%s: %s is below the API and the web layer and must not import %s", path, dir, p)
				}
			}
		}
	}
}

func isUnder(dir string, roots []string) bool {
	for _, r := range roots {
		if dir == r || strings.HasPrefix(dir, r+"/") {
			return true
		}
	}
	return false
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
