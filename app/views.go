package app

import "github.com/docsift/docsift/backend/library"

// ListViews lists the saved views with their counts (GET /api/views).
func (a *App) ListViews() ([]library.View, error) {
	vs, err := a.lib.Views(a.ctx)
	if err != nil {
		return nil, a.fail("ListViews", err)
	}
	if vs == nil {
		vs = []library.View{}
	}
	return vs, nil
}

// CreateView saves a named search (POST /api/views).
func (a *App) CreateView(in library.ViewInput) (library.View, error) {
	v, err := a.lib.CreateView(a.ctx, in)
	return v, a.fail("CreateView", err)
}

// UpdateView renames a view or changes its query, order or filters
// (PATCH /api/views/{id}).
func (a *App) UpdateView(id string, p library.ViewPatch) (library.View, error) {
	v, err := a.lib.UpdateView(a.ctx, id, p)
	return v, a.fail("UpdateView", err)
}

// DeleteView removes a saved view (DELETE /api/views/{id}).
func (a *App) DeleteView(id string) error {
	return a.fail("DeleteView", a.lib.DeleteView(a.ctx, id))
}
