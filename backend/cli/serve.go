package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/frontend"
)

type serveOpts struct {
	workers   *int
	noWorkers *bool
	noWatch   *bool
}

func serveCommand() command {
	return command{
		name:    "serve",
		summary: "Serve the REST API (and web UI) over HTTP until stopped (Ctrl-C); --addr HOST:PORT, --tls self-signed.",
		flags: func(fs *flag.FlagSet) any {
			return &serveOpts{
				workers:   fs.Int("workers", 2, "background jobs (text extraction, classification) run at once"),
				noWorkers: fs.Bool("no-workers", false, "leave text extraction to a separate docsift worker"),
				noWatch:   fs.Bool("no-watch", false, "do not watch the watched folders from the settings"),
			}
		},
		run: runServe,
	}
}

// runServe listens on cfg.Addr and serves until ctx ends, then shuts down
// gracefully: the HTTP server first (no new work), then the watcher and
// the workers.
func runServe(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*serveOpts)
	if len(args) > 0 || *opts.workers < 1 {
		fmt.Fprintln(r.env.Stderr, "docsift serve: takes no arguments; --workers must be at least 1")
		return ExitUsage
	}
	host, _, err := net.SplitHostPort(r.cfg.Addr)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift serve: the listen address %q is not host:port\n", r.cfg.Addr)
		return ExitUsage
	}
	web, code := r.prepareWeb(host) // web.go: HTTPS, token, allowed names
	if code != ExitOK {
		return code
	}
	bus := r.lib.Bus()
	if !*opts.noWorkers {
		_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: *opts.workers})
		if err != nil {
			return r.fail(err)
		}
		defer stop()
	}
	defer r.startBackgroundVerify(ctx, "serve")()
	var watchStatus func() []watch.FolderStatus
	if !*opts.noWatch {
		lw := r.startLiveWatcher(ctx)
		defer lw.Close()
		watchStatus = lw.Status
	}

	ln, err := net.Listen("tcp", r.cfg.Addr)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift serve: cannot listen on %s: %v\n", r.cfg.Addr, err)
		return ExitFailed
	}
	srv := &http.Server{
		Handler: httpapi.New(r.lib, bus, httpapi.Options{
			Token:    web.token,
			Logger:   r.log,
			Frontend: frontend.FS(),
			About:    about(r.cfg),

			MaxUploadBytes: r.cfg.MaxUploadBytes,
			SessionIdle:    r.cfg.SessionIdle,
			AllowedHosts:   web.names,
			TrustedProxies: r.cfg.Web.BehindProxy,

			WatchStatus: watchStatus,
			Metrics:     r.metrics.Handler(),
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Requests (and so event streams) end when serve is told to stop.
		BaseContext: func(net.Listener) context.Context { return ctx },
		TLSConfig:   web.tls,
	}
	errc := make(chan error, 1)
	go func() {
		if web.tls != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	web.reach(r.env.Stderr, ln.Addr()) // before "listening on": tests wait for that line
	fmt.Fprintf(r.env.Stderr, "docsift serve: listening on %s://%s\n", web.scheme(), ln.Addr())
	if !frontend.Built() {
		fmt.Fprintln(r.env.Stderr, "docsift serve: this binary was built without the web UI (`make build` builds both); the API works")
	}
	switch accounts, err := r.lib.HasAccounts(ctx); {
	case err == nil && accounts:
		fmt.Fprintln(r.env.Stderr, "docsift serve: this library has users: everyone signs in (docsift user ls lists them)")
	case web.token != "":
		fmt.Fprintln(r.env.Stderr, "docsift serve: an access token is required; `docsift token` prints it")
	}

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return r.fail(fmt.Errorf("serve: %w", err))
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift serve: shutdown: %v\n", err)
		srv.Close()
	}
	fmt.Fprintln(r.env.Stderr, "docsift serve: stopped")
	return ExitOK
}

// startWatcher watches the settings' watched folders (nil when there are
// none or they cannot be watched: serving goes on without them).
func (r *runner) startWatcher(ctx context.Context) *watch.Watcher {
	s, err := r.lib.Settings(ctx)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift serve: watched folders not started: %v\n", err)
		return nil
	}
	folders := watch.FromSettings(s.WatchedFolders)
	if len(folders) == 0 {
		return nil
	}
	w, err := watch.New(r.lib, watch.Options{Folders: folders, Bus: r.lib.Bus(), Logger: r.log})
	if err == nil {
		err = w.Start(ctx)
	}
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift serve: watched folders not started: %v\n", err)
		if w != nil {
			w.Close()
		}
		return nil
	}
	return w
}

// about describes the configuration for the UI's settings screen: where
// things live, never a DSN or a key.
func about(cfg config.Config) library.About {
	a := library.About{Profile: string(cfg.Profile), DataDir: cfg.DataDir, Version: Version}
	switch cfg.Profile {
	case config.ProfileServer:
		a.Database = "PostgreSQL"
		a.ObjectStore = fmt.Sprintf("S3 bucket %q at %s", cfg.S3.Bucket, cfg.S3.Endpoint)
	default:
		a.Database = "SQLite: " + cfg.SQLitePath()
		a.ObjectStore = "the folder " + cfg.ObjectsDir()
	}
	return a
}

// isLoopback reports whether host only accepts local connections.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
