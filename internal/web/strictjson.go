package web

import (
	"bytes"
	"encoding/json"
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
func checkKeys(raw []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return walkValue(dec, t, "")
}

func walkValue(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)) {
		t = nil // decoded by its own rules
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := walkValue(dec, elem, path+"[]"); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // the closing bracket; a syntax error is the decoder's to report
	}
	return nil
}

func walkObject(dec *json.Decoder, t reflect.Type, path string) error {
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
		if err := walkValue(dec, ft, name); err != nil {
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
