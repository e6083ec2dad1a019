package extract

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"path"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// maxMIMEParts bounds the multipart declarations in one message: the
// parser recurses per nesting level, so a hostile message could nest
// parts deeply enough to exhaust memory.
const maxMIMEParts = 1_000

// emailExtractor reads an email message (RFC 5322 / MIME, .eml) with
// github.com/jhillyerd/enmime/v2, which decodes transfer encodings and
// charsets: From, To, Cc, Subject and Date, then the text/plain body (or
// the HTML body through the HTML extractor), then the attachments' names.
// An mbox-style "From " first line is tolerated.
type emailExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (emailExtractor) Name() string { return "email" }

// Accepts implements Extractor: message/rfc822, and text that starts
// like a stored mail (mimetype reports mbox-style mail as text/plain).
func (emailExtractor) Accepts(in Input) bool {
	switch in.MediaType() {
	case "message/rfc822", "application/mbox":
		return true
	case "text/plain", "application/octet-stream":
		ext := strings.ToLower(path.Ext(in.Name))
		if ext == ".eml" || ext == ".mbox" {
			return true
		}
		return looksLikeMail(in)
	}
	return false
}

// looksLikeMail peeks at the start: an optional mbox "From " line, then
// a block of header fields that has From and one of To, Subject or Date
// (mimetype reports such mail as text/plain when its first field is not
// one it knows).
func looksLikeMail(in Input) bool {
	if in.R == nil || in.Size < 5 {
		return false
	}
	head := make([]byte, min(in.Size, 4096))
	n, _ := in.R.ReadAt(head, 0)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("From ")) {
		_, head, _ = bytes.Cut(head, []byte("\n"))
	}
	var from, other bool
	fields := 0
	for line := range bytes.SplitSeq(head, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // a folded continuation
		}
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 || bytes.ContainsAny(name, " \t") {
			return false
		}
		fields++
		switch strings.ToLower(string(name)) {
		case "from":
			from = true
		case "to", "subject", "date":
			other = true
		}
	}
	return fields >= 2 && from && other
}

// Extract implements Extractor.
func (e emailExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "email", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e emailExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	br := bufio.NewReader(source(in))
	if head, _ := br.Peek(5); string(head) == "From " {
		if _, err := br.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
			return Result{}, err
		}
	}
	raw, err := io.ReadAll(io.LimitReader(br, lim.MaxInputBytes))
	if err != nil {
		return Result{}, err
	}
	if n := bytes.Count(raw, []byte("ultipart/")) + bytes.Count(raw, []byte("ULTIPART/")); n > maxMIMEParts {
		return Result{}, Permanent("the email has more than %d nested parts; text not extracted", maxMIMEParts)
	}
	p := enmime.NewParser(enmime.DisableTextConversion(true), enmime.SkipMalformedParts(true))
	env, err := p.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return Result{}, damaged("email", err)
	}
	out := newTextBuf(lim)
	for _, h := range []string{"From", "To", "Cc", "Subject", "Date"} {
		if v := strings.TrimSpace(env.GetHeader(h)); v != "" {
			out.WriteString(h + ": " + v + "\n")
		}
	}
	out.WriteString("\n")
	if strings.TrimSpace(env.Text) != "" {
		out.WriteString(env.Text)
	} else if env.HTML != "" {
		if err := htmlText(ctx, strings.NewReader(env.HTML), out); err != nil {
			return Result{}, err
		}
	}
	var names []string
	for _, list := range [][]*enmime.Part{env.Attachments, env.Inlines, env.OtherParts} {
		for _, a := range list {
			if a.FileName != "" {
				names = append(names, a.FileName)
			}
		}
	}
	if len(names) > 0 {
		out.Para()
		out.WriteString("\nAttachments: " + strings.Join(names, ", ") + "\n")
	}
	return out.result(lim, 0), nil
}
