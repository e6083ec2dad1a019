#!/bin/sh
# Renders a few held-out corpus documents as page images (ImageMagick,
# DejaVu Sans Mono, 150 dpi, a slight tilt and grain, like a phone scan)
# and reads them back with tesseract (eng+deu, the languages the project's
# setup installs), to check the extractor on OCR text. Writes ocr/NAME.txt;
# the images are not kept. Run from backend/meta/testdata.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in $(cat ocr/files.txt); do
	name=$(basename "$f" .txt)
	convert -size 1240x1754 xc:white -font DejaVu-Sans-Mono -pointsize 20 -fill black \
		-annotate +80+100 "$(sed 's/%/%%/g' "corpus/heldout/$f")" -rotate 0.6 -attenuate 0.25 +noise Gaussian \
		-colorspace Gray "$tmp/$name.png"
	tesseract "$tmp/$name.png" "ocr/$name" -l eng+deu --psm 4 >/dev/null 2>&1
done
