-- 0005: the language the extractor detected in a document's text (an
-- ISO 639-1 code such as 'en' or 'de'; '' when unknown or not yet read).
ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT '';
