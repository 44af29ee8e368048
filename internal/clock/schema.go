package clock

// fileCalendar is the YAML shape of one calendar file (see
// config/calendars/README.md).
type fileCalendar struct {
	Name    string   `yaml:"name"`
	Status  string   `yaml:"status"`
	Source  string   `yaml:"source"`
	Extends string   `yaml:"extends"`
	Notes   string   `yaml:"notes"`
	Weekend []string `yaml:"weekend"`
	// EveryWeek lists weekdays that are named holidays every week.
	EveryWeek []string `yaml:"every_week"`
	// CitizensHoliday turns on Japan's sandwiched-day rule.
	CitizensHoliday *bool `yaml:"citizens_holiday"`
	// Covers bounds the years for which the calendar's holidays are known
	// (a published list, or rules checked only for those years). A date
	// outside them is an error, never a silent "no holiday".
	Covers   *fileCovers   `yaml:"covers"`
	Holidays []fileRule    `yaml:"holidays"`
	Closures []fileClosure `yaml:"closures"`
}

// fileCovers is an inclusive range of years.
type fileCovers struct {
	From int `yaml:"from"`
	To   int `yaml:"to"`
}

// fileRule is one recurring holiday. Exactly one of Fixed, Date, Weekday,
// Easter or Equinox selects the kind of rule.
type fileRule struct {
	Name string `yaml:"name"`
	// Kind is holiday (default) or closure.
	Kind string `yaml:"kind"`
	// Fixed is a month-day such as "12-25".
	Fixed string `yaml:"fixed"`
	// Date is a single full date "2019-05-01" (a one-off holiday).
	Date string `yaml:"date"`
	// Weekday with Month and Nth (1..5, or -1 for the last), or with
	// Before/After (the weekday strictly before/after a month-day).
	Weekday string `yaml:"weekday"`
	Month   int    `yaml:"month"`
	Nth     int    `yaml:"nth"`
	Before  string `yaml:"before"`
	After   string `yaml:"after"`
	// FridayDate replaces the weekday rule when that month-day is a Friday.
	FridayDate string `yaml:"friday_date"`
	// Easter is an offset in days from Western Easter Sunday.
	Easter *int `yaml:"easter"`
	// Equinox is "march" or "september" (Japan, 1980–2099).
	Equinox string `yaml:"equinox"`
	// Days is the number of consecutive days starting on the date (default 1).
	Days int `yaml:"days"`
	// From and To bound the years in which the rule is in force (inclusive).
	From int `yaml:"from"`
	To   int `yaml:"to"`
	// Observe lists weekend shifts: sat-fri, sun-mon, sat-mon, sun-tue,
	// sat-next, sun-next (next day that is neither weekend nor holiday).
	Observe []string `yaml:"observe"`
	Source  string   `yaml:"source"`
}

// fileClosure is a one-off closure on a full date. Confirmed false marks a
// closure that is expected but not confirmed (an executive order closed
// agencies; whether EDGAR closed is not known): deadlines are then counted
// both ways.
type fileClosure struct {
	Date      string `yaml:"date"`
	Name      string `yaml:"name"`
	Source    string `yaml:"source"`
	Confirmed *bool  `yaml:"confirmed"`
}
