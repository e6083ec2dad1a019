// Package archtest holds the tests that keep the import graph one-way
// (DESIGN.md): which packages a binary or a layer may link. It has no
// code of its own and must not be imported.
package archtest
