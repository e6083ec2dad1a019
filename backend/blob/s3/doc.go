// Package s3 is the blob driver for the server profile: objects live in one
// bucket of MinIO or any S3-compatible service, reached with minio-go.
//
// Uploads rely on S3's own atomicity: a single PUT or a multipart upload
// appears under its key only when complete, and a failed multipart upload is
// aborted. An upload a crash interrupted stays incomplete in the bucket:
// Leftovers reports it and RemoveLeftover aborts it. The SHA-256 is computed while streaming, and an upload of unknown
// length is cut into bounded parts, so no object is held in memory.
//
// The package must never put an access key or secret key in an error or a
// log line, and must not import or embed MinIO's server code (AGPL).
package s3
