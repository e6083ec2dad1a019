package meta

import (
	"fmt"
	"time"
)

// Options is what Extract knows about a document besides its text.
type Options struct {
	// Language is the ISO 639-1 code extract.DetectLanguage gave the text
	// ("en", "de", "fr", "es", "it", "nl"), or "" when it could not tell.
	// It decides the day/month order of numeric dates and the decimal
	// separator of amounts when the text itself does not.
	Language string
	// Filename is the document's human name; a date in it ("2024-03-12
	// invoice.pdf") is a weak hint when the text has none.
	Filename string
	// Known are the person's confirmed correspondents (NewIndex,
	// Memory.Index); a match is preferred over a guess. Nil means none.
	Known *Index
	// Now is the reference date for "far in the future"; zero turns that
	// check off.
	Now time.Time
}

// Correspondent is a confirmed sender: its name as the person wants it
// shown and the other strings it appeared as. An alias starting with "@" is
// an e-mail domain ("@acme.de").
type Correspondent struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

// Date is a civil date without time or zone.
type Date struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

// String gives the date as 2006-01-02.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// ParseDate reads a date written as 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date written as YYYY-MM-DD", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// DocumentDate is the date a document is about.
type DocumentDate struct {
	Date       Date    `json:"date"`
	Confidence float64 `json:"confidence"` // 0..1
	Offset     int     `json:"offset"`     // byte offset of the date in the text; -1 when from the file name
	Text       string  `json:"text"`       // the date as written
}

// CorrespondentGuess is who a document comes from.
type CorrespondentGuess struct {
	Name       string  `json:"name"`
	Known      bool    `json:"known"` // Name is one of Options.Known
	Confidence float64 `json:"confidence"`
	Offset     int     `json:"offset"` // byte offset of the line it was found on
	// Seen is the string as it appeared in the text (the letterhead line,
	// the From: display name); Memory.Confirm records it as an alias.
	Seen string `json:"seen"`
}

// Amount is an invoice's or receipt's total.
type Amount struct {
	Minor      int64   `json:"minor"`    // in minor units: 1234.56 EUR is 123456
	Currency   string  `json:"currency"` // ISO 4217, "" when the text does not say
	Confidence float64 `json:"confidence"`
	Offset     int     `json:"offset"`
	Text       string  `json:"text"`
}

// String gives the amount as "1234.56 EUR".
func (a Amount) String() string {
	sign := ""
	m := a.Minor
	if m < 0 {
		sign, m = "-", -m
	}
	s := fmt.Sprintf("%s%d.%02d", sign, m/100, m%100)
	if a.Currency != "" {
		s += " " + a.Currency
	}
	return s
}

// Fields is what Extract found; a nil field was not found.
type Fields struct {
	DocumentDate  *DocumentDate       `json:"document_date,omitempty"`
	Correspondent *CorrespondentGuess `json:"correspondent,omitempty"`
	Amount        *Amount             `json:"amount,omitempty"`
}

// Extract finds the document date, the correspondent and the total amount
// in a document's text. It never fails: what it cannot find is nil.
func Extract(text string, opt Options) Fields {
	d := newDoc(text, opt)
	return Fields{
		DocumentDate:  d.documentDate(),
		Correspondent: d.correspondent(),
		Amount:        d.amount(),
	}
}
