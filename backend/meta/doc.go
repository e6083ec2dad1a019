// Package meta finds what a document says about itself: the date the paper
// is about (the letter's or invoice's date, not the file's), who it comes
// from (its correspondent) and, for invoices and receipts, the amount to
// pay with its currency.
//
// Extract works on the text the extract package produced, offline, in
// English, German, French, Spanish, Italian and Dutch. Memory keeps the
// correspondents a person confirmed and the strings they appeared as, so a
// sender confirmed once is recognised again; Memory.Index prepares them for
// Options.Known (build it once per change, not per document).
//
// How well it does is measured by TestAccuracy on the corpus in testdata
// (see testdata/README.md); BenchmarkExtract times one text document.
//
// The package is pure: no I/O, no clock (the caller passes Options.Now), no
// globals that change, no knowledge of the store, the library or the UI.
package meta
