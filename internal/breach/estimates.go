package breach

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"gorm.io/gorm"

	"github.com/breachline/breachline/internal/errs"
)

// Estimate is the estimated number of affected people in one region,
// recorded before a roster exists.
type Estimate struct {
	BreachID int64  `gorm:"primaryKey" json:"-"`
	Region   string `gorm:"primaryKey" json:"region"`
	People   int64  `json:"people"`
}

// TableName is the estimates table.
func (Estimate) TableName() string { return "breach_estimates" }

// regionRe is a region code: a country (DE) or a subdivision (CA-ON, US-TX).
var regionRe = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

// maxEstimate bounds one region's estimate (more people than live on Earth
// is a typing mistake).
const maxEstimate = 10_000_000_000

// checkEstimates validates the estimates of an input into f.
func checkEstimates(in map[string]int64, f errs.Fields) {
	for region, n := range in {
		if !regionRe.MatchString(region) {
			f.Add("estimates", fmt.Sprintf("%q: a region code such as CA-ON, US-TX or DE", truncate(region, 20)))
		}
		if n < 0 || n > maxEstimate {
			f.Add("estimates."+truncate(region, 20), "a number of people from 0")
		}
	}
}

// saveEstimates replaces a breach's estimates; regions estimated at zero
// are dropped.
func saveEstimates(ctx context.Context, tx *gorm.DB, breachID int64, in map[string]int64) error {
	if err := tx.WithContext(ctx).Where("breach_id = ?", breachID).Delete(&Estimate{}).Error; err != nil {
		return fmt.Errorf("estimates: %w", err)
	}
	rows := make([]Estimate, 0, len(in))
	for region, n := range in {
		if n > 0 {
			rows = append(rows, Estimate{BreachID: breachID, Region: region, People: n})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Region < rows[j].Region })
	if err := tx.WithContext(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("estimates: %w", err)
	}
	return nil
}

// loadEstimates reads a breach's estimates by region.
func loadEstimates(ctx context.Context, tx *gorm.DB, breachID int64) (map[string]int64, error) {
	var rows []Estimate
	if err := tx.WithContext(ctx).Where("breach_id = ?", breachID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("estimates of breach %d: %w", breachID, err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Region] = r.People
	}
	return out, nil
}
