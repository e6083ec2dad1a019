package s3_test

import (
	"bytes"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/docsift/docsift/backend/blob/blobtest"
)

// An upload a crash left behind, with parts, is reported with its parts'
// bytes and newest part's time, and aborted by RemoveLeftover; another
// tool's upload under a name that is not a key is left alone.
func TestLeftoversOfACrashedUpload(t *testing.T) {
	st, env := open(t)
	ctx := t.Context()
	core := minio.Core{Client: admin(t, env)}
	start := func(key string, parts ...int) string {
		t.Helper()
		id, err := core.NewMultipartUpload(ctx, env.Bucket, key, minio.PutObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range parts {
			if _, err := core.PutObjectPart(ctx, env.Bucket, key, id, i+1, bytes.NewReader(make([]byte, n)), int64(n), minio.PutObjectPartOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	start("u1/d1/crashed.pdf", 5<<20, 1000)
	start(`other\tool.bin`, 10)

	got := blobtest.Leftovers(t, st)
	if len(got) != 1 || got[0].Name != "u1/d1/crashed.pdf" || got[0].Size != 5<<20+1000 || got[0].LastWrite.IsZero() {
		t.Fatalf("Leftovers = %+v, want the crashed upload with %d bytes", got, 5<<20+1000)
	}
	if err := st.RemoveLeftover(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	if got := blobtest.Leftovers(t, st); len(got) != 0 {
		t.Errorf("Leftovers after RemoveLeftover = %+v", got)
	}
	n := 0
	for up := range core.ListIncompleteUploads(ctx, env.Bucket, "", true) {
		if up.Err == nil && up.Key == `other\tool.bin` {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the other tool's upload: %d left, want 1", n)
	}
}
