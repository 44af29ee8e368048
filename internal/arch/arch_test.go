// Package arch checks the shape of the code base: which package owns each
// table, which packages may speak HTTP, and which must stay pure. It has no
// code of its own; `make lint` runs its tests.
package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// owners names the one package that may write SQL naming each table.
var owners = map[string]string{
	"organizations": "auth", "users": "auth", "memberships": "auth", "api_tokens": "auth", "sessions": "auth",
	"invitations": "auth", "signin_throttle": "auth", "account_links": "auth", "signin_challenges": "auth", "recovery_codes": "auth",
	"breaches": "breach", "breach_events": "breach", "assessment_answers": "breach", "data_categories": "breach",
	"affected_people": "roster", "imports": "roster", "import_rejects": "roster", "roster_counts": "roster",
	"roster_uploads": "roster", "roster_upload_chunks": "roster",
	"obligations": "obligation", "obligation_history": "obligation", "calendar_closures": "obligation",
	"documents": "document", "audit_log": "audit", "reminder_sends": "reminder",
	"notice_templates": "notice", "campaigns": "notice", "deliveries": "notice", "letters": "notice",
	"bounces": "notice", "incident_pages": "notice", "send_budget": "notice",
	"audit_unkeyed_chains": "audit",
	"incidents":            "incident", "incident_versions": "incident", "incident_updates": "incident", "incident_settings": "incident",
	"rate_windows": "ratelimit", "verify_lookups": "notice",
}

// exempt are the places that may name any table: the composition root and
// the database package (migrations), and test helpers.
func exempt(pkg string) bool {
	switch pkg {
	case "app", "db", "arch":
		return true
	}
	return strings.HasSuffix(pkg, "test")
}

var sqlTable = regexp.MustCompile(`(?i)\b(?:from|join|update|into|table)\s+"?([a-z_]+)"?`)

// source is one non-test Go file of internal/.
type source struct {
	path, pkg, top string
	file           *ast.File
}

func sources(t *testing.T) []source {
	t.Helper()
	root := filepath.Join("..")
	var out []source
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		full, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		out = append(out, source{path: path, pkg: pkg, top: strings.Split(pkg, "/")[0], file: full})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found only %d source files under internal/", len(out))
	}
	return out
}

// TestEveryTableHasOneOwner fails when SQL naming a table appears outside
// the package that owns it. Others read and write it through the owner's
// methods, behind interfaces they declare.
func TestEveryTableHasOneOwner(t *testing.T) {
	bad := map[string][]string{}
	for _, s := range sources(t) {
		if exempt(s.top) {
			continue
		}
		ast.Inspect(s.file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, m := range sqlTable.FindAllStringSubmatch(text, -1) {
				table := strings.ToLower(m[1])
				if owner, known := owners[table]; known && owner != s.top {
					key := s.pkg + " names " + table + " (owner " + owner + ")"
					bad[key] = append(bad[key], s.path)
				}
			}
			return true
		})
	}
	report(t, bad)
}

// gormCalls are the gorm methods whose argument names the table.
var gormCalls = map[string]bool{"Model": true, "Find": true, "Take": true, "First": true, "Create": true,
	"Save": true, "Delete": true, "Update": true, "Updates": true, "Scan": true}

// TestNoPackageUsesAnotherOwnersModel fails when a package hands another
// owner's model to gorm (db.Model(&roster.StoredPerson{})), which names its
// table as surely as SQL does.
func TestNoPackageUsesAnotherOwnersModel(t *testing.T) {
	ownerPkgs := map[string]bool{}
	for _, p := range owners {
		ownerPkgs[p] = true
	}
	bad := map[string][]string{}
	for _, s := range sources(t) {
		if exempt(s.top) {
			continue
		}
		ast.Inspect(s.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !gormCalls[sel.Sel.Name] || len(call.Args) == 0 {
				return true
			}
			if pkg := modelPackage(call.Args[0]); pkg != "" && ownerPkgs[pkg] && pkg != s.top {
				key := s.pkg + " uses a model of " + pkg
				bad[key] = append(bad[key], s.path)
			}
			return true
		})
	}
	report(t, bad)
}

// modelPackage is the package qualifier of &pkg.T{}, &[]pkg.T{} or pkg.T{}.
func modelPackage(e ast.Expr) string {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	if c, ok := e.(*ast.CompositeLit); ok {
		e = c.Type
	}
	if a, ok := e.(*ast.ArrayType); ok {
		e = a.Elt
	}
	if sel, ok := e.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// httpHomes are the packages that may import gin or the web packages.
func httpHome(pkg string) bool {
	return pkg == "web" || strings.HasPrefix(pkg, "web/") || pkg == "app" || strings.HasSuffix(pkg, "test")
}

// TestOnlyWebSpeaksHTTP fails when a domain package imports gin or a web
// package: handlers live in internal/web (api, ui, public), and domain
// packages return domain errors that web maps to HTTP in one place.
func TestOnlyWebSpeaksHTTP(t *testing.T) {
	bad := map[string][]string{}
	for _, s := range sources(t) {
		if httpHome(s.pkg) || s.top == "cli" {
			continue
		}
		for _, imp := range s.file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/gin-gonic/") || strings.Contains(path, "/internal/web") {
				bad[s.pkg+" imports "+path] = append(bad[s.pkg+" imports "+path], s.path)
			}
		}
	}
	report(t, bad)
}

// pure are the packages that take time as a parameter and touch no
// database, network or HTTP, so legal logic, layout and parsing are tested
// in isolation.
var pure = []string{"rules", "clock", "report", "rosterfile"}

var impureImports = []string{"gorm.io/", "database/sql", "net/http", "github.com/gin-gonic/",
	"github.com/riverqueue/", "/internal/db", "/internal/web", "/internal/mail"}

// TestPurePackagesStayPure fails when a pure package imports a database,
// network or HTTP package, or reads the clock.
func TestPurePackagesStayPure(t *testing.T) {
	bad := map[string][]string{}
	seen := map[string]bool{}
	for _, s := range sources(t) {
		if !isPure(s.pkg) {
			continue
		}
		seen[s.top] = true
		for _, imp := range s.file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, p := range impureImports {
				if strings.Contains(path, p) {
					bad[s.pkg+" imports "+path] = append(bad[s.pkg+" imports "+path], s.path)
				}
			}
		}
		ast.Inspect(s.file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" && (sel.Sel.Name == "Now" || sel.Sel.Name == "Since") {
					bad[s.pkg+" reads the clock"] = append(bad[s.pkg+" reads the clock"], s.path)
				}
			}
			return true
		})
	}
	for _, p := range pure {
		if _, err := os.Stat(filepath.Join("..", p)); err == nil && !seen[p] {
			t.Errorf("pure package %s has no source files", p)
		}
	}
	report(t, bad)
}

func isPure(pkg string) bool {
	for _, p := range pure {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

func report(t *testing.T, bad map[string][]string) {
	t.Helper()
	keys := make([]string, 0, len(bad))
	for k := range bad {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("%s: %s", k, strings.Join(dedup(bad[k]), ", "))
	}
}

func dedup(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
