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
	typ := reflect.TypeOf(Config{})
	for i := range typ.NumField() {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
		if key != "" && key != "-" && !strings.Contains(string(raw), key+":") {
			t.Errorf("setting %s is not described in the example file", key)
		}
	}
}
