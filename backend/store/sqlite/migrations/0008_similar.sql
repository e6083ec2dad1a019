-- 0008: statistics of the full-text index for similar documents
-- (store.Searcher's Similar). Both are views FTS5 computes from the index
-- itself (fts5vocab), so they store nothing and cannot drift from it.
--
-- search_terms has one row per index term: in how many documents it is
-- (doc) and how often (cnt); a lookup by term reads that term's entry
-- alone. search_postings has one row per occurrence of a term (term, doc
-- as the search rowid, col, offset): the documents that hold one term,
-- by term, without the tokenizer stemming it again as MATCH would.
CREATE VIRTUAL TABLE search_terms USING fts5vocab (search, row);
CREATE VIRTUAL TABLE search_postings USING fts5vocab (search, instance);
