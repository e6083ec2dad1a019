// Package cli is Docsift's command line: it parses flags and subcommands,
// loads the config, opens the library and runs one command. It holds no
// business rules; those live in library. main.go only calls Main.
package cli
