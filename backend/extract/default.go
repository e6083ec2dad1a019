package extract

// Default builds the registry with every extractor and thumbnailer Docsift
// ships. Media (PDF, images, OCR) come first: they are chosen by precise
// media types; document formats follow; plain text is last. Thumbnails:
// PDF and images first, then office documents (see officeThumbnailer).
func Default(opts Options) (*Registry, error) {
	media, mediaThumbs, closers, err := mediaExtractors(opts)
	if err != nil {
		return nil, err
	}
	docs := documentExtractors(opts)
	thumbs := append(mediaThumbs, newOfficeThumbnailer(true))
	r := NewRegistry(opts.Limits, append(media, docs...), thumbs)
	r.closers = closers
	for _, e := range media {
		if w, ok := e.(interface{ warm() }); ok {
			r.warmers = append(r.warmers, w.warm)
		}
	}
	return r, nil
}
