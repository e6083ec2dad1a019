// Package deploytest checks the files in deploy/: the systemd units pass
// `systemd-analyze verify`, their command lines are ones docsift accepts,
// and the environment file sets only settings docsift knows. It holds
// tests only.
package deploytest
