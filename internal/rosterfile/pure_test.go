package rosterfile

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package stays pure: no database, no network, no HTTP, no process or
// clock of its own. This reads its sources (tests excepted) and fails on
// an import outside the list or a read of the clock.
func TestPackageIsPure(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowedImport(path) {
				t.Errorf("%s imports %s", name, path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since" || sel.Sel.Name == "Until") {
					t.Errorf("%s: reads the clock (time.%s): time is a parameter here", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

// allowedImport admits the standard library but for its database,
// network, process and file-system packages, and the text and YAML
// libraries.
func allowedImport(path string) bool {
	for _, p := range []string{"golang.org/x/text/", "gopkg.in/yaml.v3"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
		return false
	}
	for _, banned := range []string{"database/", "net/http", "net/rpc", "os", "os/exec", "syscall", "plugin", "unsafe"} {
		if path == banned || strings.HasPrefix(path, strings.TrimSuffix(banned, "/")+"/") {
			return false
		}
	}
	return path != "net"
}
