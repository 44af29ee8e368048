package clock

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	configdata "github.com/breachline/breachline/config"
)

// ErrUnknownCalendar is returned (wrapped) for a calendar id that is not loaded.
var ErrUnknownCalendar = errors.New("unknown calendar")

// Registry holds the loaded calendars by id. It is safe for concurrent use.
type Registry struct {
	cals map[string]*Calendar
	// children maps an id to the ids of calendars that extend it, so that a
	// closure of a parent reaches every calendar built on it.
	children map[string][]string
}

// LoadDefault loads the calendars embedded in the binary (config/calendars).
func LoadDefault() (*Registry, error) {
	return Load(configdata.FS, "calendars")
}

// Load reads every dir/*.yaml file of fsys; a calendar's id is its file
// name without ".yaml". Errors name the file and the field at fault.
func Load(fsys fs.FS, dir string) (*Registry, error) {
	files, err := readFiles(fsys, dir)
	if err != nil {
		return nil, err
	}
	r := &Registry{cals: map[string]*Calendar{}, children: map[string][]string{}}
	for _, id := range sortedKeys(files) {
		if _, err := r.resolve(id, files, dir, nil); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func readFiles(fsys fs.FS, dir string) (map[string]fileCalendar, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("list calendars in %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("list calendars in %s: no .yaml files", dir)
	}
	files := map[string]fileCalendar{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		var fc fileCalendar
		if err := dec.Decode(&fc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files[strings.TrimSuffix(path.Base(name), ".yaml")] = fc
	}
	return files, nil
}

// resolve builds calendar id after its parent; stack detects extends cycles.
func (r *Registry) resolve(id string, files map[string]fileCalendar, dir string, stack []string) (*Calendar, error) {
	if c, ok := r.cals[id]; ok {
		return c, nil
	}
	file := path.Join(dir, id+".yaml")
	if slices.Contains(stack, id) {
		return nil, fmt.Errorf("%s: extends: cycle %s", file, strings.Join(append(stack, id), " -> "))
	}
	fc := files[id]
	var parent *Calendar
	if fc.Extends != "" {
		if _, ok := files[fc.Extends]; !ok {
			return nil, fmt.Errorf("%s: extends: %w %q", file, ErrUnknownCalendar, fc.Extends)
		}
		p, err := r.resolve(fc.Extends, files, dir, append(stack, id))
		if err != nil {
			return nil, err
		}
		parent = p
		r.children[fc.Extends] = append(r.children[fc.Extends], id)
	}
	c, err := newCalendar(id, fc, parent)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	r.cals[id] = c
	return c, nil
}

// Calendar returns the calendar with the given id.
func (r *Registry) Calendar(id string) (*Calendar, error) {
	c, ok := r.cals[id]
	if !ok {
		return nil, fmt.Errorf("calendar %q: %w", id, ErrUnknownCalendar)
	}
	return c, nil
}

// IDs lists the loaded calendar ids, sorted.
func (r *Registry) IDs() []string {
	return sortedKeys(r.cals)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
