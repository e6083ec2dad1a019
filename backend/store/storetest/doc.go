// Package storetest is the conformance suite every store.Store driver must
// pass. A driver's own test calls Run with a function that opens a fresh,
// empty, migrated store; the suite then checks the behaviour the store
// package documents, through the interface only.
//
// The suite knows nothing of any driver: no SQL, no schema, no driver
// types. Driver-specific checks (migrations, pragmas, connection pools)
// belong in the driver's own tests.
package storetest
