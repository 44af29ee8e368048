package notice

import (
	"io/fs"

	"github.com/breachline/breachline/templates"
)

// templateFS holds the shipped notice templates (templates/notices).
func templateFS() fs.FS { return templates.FS }
