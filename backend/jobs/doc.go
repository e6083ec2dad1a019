// Package jobs runs Docsift's background work: a bounded worker pool that
// claims due jobs from the durable queue in the metadata store, runs the
// handler for each job's kind, and records the outcome — the document's
// new status, the next step, or a retry with exponential backoff — in one
// transaction. Several processes may share one queue (PostgreSQL hands each
// job to one of them); a crashed worker's lease expires and its job is
// claimed again — up to Options.MaxAttempts claims, after which the job is
// given up and its document failed with a sentence (giveup.go), so a file
// that crashes every worker reading it cannot keep them in a crash loop.
// The pipeline steps (extract, classify) live in pipeline.go. This package
// does not know about faces or HTTP.
package jobs
