package web

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"gopkg.in/yaml.v3"
)

// The API description is kept in fragments, one per capability, so that each
// capability documents its own routes; they are merged at start-up.
//
//go:embed openapi/*.yaml
var openAPIFragments embed.FS

// OpenAPIDocument merges the fragments into one OpenAPI 3.1 document.
func OpenAPIDocument() (map[string]any, error) {
	names, err := fs.Glob(openAPIFragments, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var doc map[string]any
	for _, name := range names {
		raw, err := openAPIFragments.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var frag map[string]any
		if err := yaml.Unmarshal(raw, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if doc == nil {
			doc = frag
			continue
		}
		if err := mergeFragment(doc, frag, name); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// OpenAPIYAML is the merged document as /api/openapi.yaml serves it.
func OpenAPIYAML() ([]byte, error) {
	doc, err := OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	return yaml.Marshal(doc)
}

// mergeFragment adds a fragment's paths and components; a name defined twice
// is an error, so fragments cannot silently override each other.
func mergeFragment(doc, frag map[string]any, name string) error {
	if err := mergeMap(doc, frag, "paths", name); err != nil {
		return err
	}
	comps, _ := frag["components"].(map[string]any)
	if comps == nil {
		return nil
	}
	dst, _ := doc["components"].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		doc["components"] = dst
	}
	for section := range comps {
		if err := mergeMap(dst, comps, section, name); err != nil {
			return err
		}
	}
	return nil
}

func mergeMap(dst, src map[string]any, key, name string) error {
	from, _ := src[key].(map[string]any)
	if from == nil {
		return nil
	}
	to, _ := dst[key].(map[string]any)
	if to == nil {
		to = map[string]any{}
		dst[key] = to
	}
	for k, v := range from {
		if _, dup := to[k]; dup {
			return fmt.Errorf("%s: %s %q is already defined by another fragment", name, key, k)
		}
		to[k] = v
	}
	return nil
}
