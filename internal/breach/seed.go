package breach

import (
	"context"
	"fmt"
	"io/fs"

	"gopkg.in/yaml.v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// LoadCategories reads the data-category list from a YAML file in fsys.
func LoadCategories(fsys fs.FS, path string) ([]Category, error) {
	b, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var cats []Category
	if err := yaml.Unmarshal(b, &cats); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	for i, c := range cats {
		if c.ID == "" || c.Name == "" {
			return nil, fmt.Errorf("%s: entry %d: id and name are required", path, i+1)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("%s: entry %d: duplicate id %q", path, i+1, c.ID)
		}
		seen[c.ID] = true
		if cats[i].Regimes == nil {
			cats[i].Regimes = []string{}
		}
		if cats[i].RuleCategories == nil {
			cats[i].RuleCategories = []string{}
		}
	}
	return cats, nil
}

// SeedCategories upserts the data categories, so that a release can add or
// rename categories without a migration.
func SeedCategories(ctx context.Context, db *gorm.DB, cats []Category) error {
	if len(cats) == 0 {
		return nil
	}
	return db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "name_fr", "sensitivity", "description", "regimes", "rule_categories"}),
	}).Create(&cats).Error
}
