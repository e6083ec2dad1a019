package query

// Help is a short description of the search syntax, for the faces to
// show (the CLI's help, the web UI's syntax help).
const Help = `Search syntax
  invoice 2024          documents with both words (in the name, text or topics)
  "late fee"            the exact phrase
  invo*                 words starting with invo
  -draft                without the word draft
  invoice OR receipt    either word; AND is the default
  (invoice OR receipt) 2024   group with parentheses; -(a OR b) excludes both
  name:report           only in the file name; text:report only in the text
  topic:Tax  folder:Old  type:pdf   filters (type: pdf, image, text, docx, xlsx, odt, email…)
  after:2024  before:2024-05  date:2024-05-03   dates (a year, a month or a day)
  -topic:Tax  -folder:Old  -type:pdf  -date:2024   exclude what a filter selects
Quote names with spaces: topic:"Health Insurance". Filters alone list the
matching documents, newest first. after: includes the date, before: does not.`
