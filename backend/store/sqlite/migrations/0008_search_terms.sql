-- 0008: search_terms lists the terms of the search index (the stems the
-- porter tokenizer wrote), for prefix queries whose prefix the tokenizer
-- would itself rewrite (ftsquery.go, expandPrefixes): "pay*" must find
-- "payment", while FTS5 alone would stem the prefix to "pai" first.
CREATE VIRTUAL TABLE search_terms USING fts5vocab(search, 'row');
