package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/breachline/breachline/internal/errs"
)

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkKeys walks a JSON body beside the type it is decoded into and
// refuses what encoding/json would let through: a key repeated in one
// object (which value counts differs between parsers) and a key that names
// a field in another case ("Role" for "role"). Syntax errors and unknown
// fields are left to the decoder, which names them.
//
// It also keeps the body within the JSON limits: nesting no deeper than
// lim.depth, no array longer than lim.items.
func checkKeys(raw []byte, t reflect.Type, lim jsonLimits) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	w := walker{dec: dec, lim: lim}
	return w.value(t, "", 0)
}

// jsonLimits bound a JSON body's shape (BREACHLINE_JSON_MAX_DEPTH and
// BREACHLINE_JSON_MAX_ITEMS).
type jsonLimits struct{ depth, items int }

// walker walks one body's tokens.
type walker struct {
	dec *json.Decoder
	lim jsonLimits
}

func (w walker) value(t reflect.Type, path string, depth int) error {
	dec := w.dec
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') && w.lim.depth > 0 && depth >= w.lim.depth {
		return &errs.Limit{Message: fmt.Sprintf("the JSON body nests deeper than %d levels (at %s); the limit is BREACHLINE_JSON_MAX_DEPTH",
			w.lim.depth, orBody(path)), Setting: "BREACHLINE_JSON_MAX_DEPTH"}
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)) {
		t = nil // decoded by its own rules
	}
	switch tok {
	case json.Delim('{'):
		return w.object(t, path, depth+1)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for n := 0; dec.More(); n++ {
			if w.lim.items > 0 && n == w.lim.items {
				return &errs.Limit{Message: fmt.Sprintf("a JSON array holds more than %d items (at %s); the limit is BREACHLINE_JSON_MAX_ITEMS",
					w.lim.items, orBody(path)), Setting: "BREACHLINE_JSON_MAX_ITEMS"}
			}
			if err := w.value(elem, path+"[]", depth+1); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // the closing bracket; a syntax error is the decoder's to report
	}
	return nil
}

// orBody names a place in a body, the body itself when path is empty.
func orBody(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

func (w walker) object(t reflect.Type, path string, depth int) error {
	dec := w.dec
	var fields map[string]reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		fields = map[string]reflect.Type{}
		jsonFields(t, fields)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		name := strings.TrimPrefix(path+"."+key, ".")
		if seen[key] {
			return &errs.Invalid{Message: "a key is repeated", Fields: map[string]string{name: "repeated"}}
		}
		seen[key] = true
		var ft reflect.Type
		switch {
		case fields != nil:
			var ok bool
			if ft, ok = fields[key]; !ok {
				for want := range fields {
					if strings.EqualFold(want, key) {
						return &errs.Invalid{Message: "unknown field", Fields: map[string]string{name: "unknown field (did you mean " + want + "?)"}}
					}
				}
			}
		case t != nil && t.Kind() == reflect.Map:
			ft = t.Elem()
		}
		if err := w.value(ft, name, depth); err != nil {
			return err
		}
	}
	_, _ = dec.Token() // the closing brace
	return nil
}

// jsonFields lists the exact JSON names of a struct's fields, those of
// embedded structs included.
func jsonFields(t reflect.Type, out map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				jsonFields(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
}
