package config

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestExampleFileLoads keeps config/breachline.example.yaml in step with the
// settings: an unknown or misspelt key fails to load.
func TestExampleFileLoads(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "config", "breachline.example.yaml")
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatalf("example settings do not load: %v", err)
	}
	if !reflect.DeepEqual(cfg, Defaults()) {
		t.Fatalf("example file should show the defaults:\n got %+v\nwant %+v", cfg, Defaults())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range yamlKeys(reflect.TypeOf(Config{})) {
		if !strings.Contains(string(raw), key+":") {
			t.Errorf("setting %s is not described in the example file", key)
		}
	}
}

// yamlKeys lists the YAML keys of a settings struct, those of its inline
// structs included.
func yamlKeys(typ reflect.Type) []string {
	var keys []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		key, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case opts == "inline":
			keys = append(keys, yamlKeys(f.Type)...)
		case key != "" && key != "-":
			keys = append(keys, key)
		}
	}
	return keys
}
