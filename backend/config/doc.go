// Package config builds Docsift's one Config from, in order of precedence,
// command-line flags, DOCSIFT_* environment variables and the config file
// in the data directory. It validates the result in sentences a person can
// act on and can print itself without secrets. It opens nothing: drivers are
// chosen by backend/wire.
package config
