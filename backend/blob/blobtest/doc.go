// Package blobtest is the conformance suite every blob driver must pass:
// localfs on a temporary folder, s3 against a real MinIO. It tests only
// behaviour visible through blob.Store.
//
// It must not know any driver, and must not hold a large object in memory:
// big objects are streamed from deterministic generators and checked by hash.
package blobtest
