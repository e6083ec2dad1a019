/**
 * The search syntax in a few lines, for a help popover next to the
 * search box. The Go side's query.Help says the same; a Go test
 * (backend/query) parses every example here.
 */
export interface SearchHelpLine {
  example: string;
  meaning: string;
}

export const SEARCH_HELP: readonly SearchHelpLine[] = [
  { example: 'invoice 2024', meaning: 'both words, in the name, the text or a topic' },
  { example: '"late fee"', meaning: 'the exact phrase' },
  { example: 'invo*', meaning: 'words that start with invo' },
  { example: 'invoice -draft', meaning: 'without the word draft' },
  { example: '(invoice OR receipt) 2024', meaning: 'either word; group with parentheses' },
  { example: 'tax -(draft OR copy)', meaning: 'exclude a group' },
  { example: 'name:report', meaning: 'only in the file name' },
  { example: 'text:report', meaning: 'only in the text' },
  { example: 'topic:Tax', meaning: 'in a topic (quote names with spaces: topic:"Health Insurance")' },
  { example: 'folder:Old', meaning: 'directly in a folder' },
  { example: 'type:pdf', meaning: 'a type: pdf, image, text, docx, xlsx, odt, email…' },
  { example: 'after:2024-01-01', meaning: 'on or after a date' },
  { example: 'before:2024-05', meaning: 'before a month starts' },
  { example: 'date:2024', meaning: 'within a year, month (2024-05) or day (2024-05-03)' },
  { example: 'manual -type:pdf -topic:Tax', meaning: 'exclude what a filter selects' },
  { example: 'type:pdf after:2024', meaning: 'filters alone list the matching documents, newest first' },
];
