// The folder tree.

import { errorSentence, type Api } from '../api';
import { buildFolderTree, flattenTree, type FolderNode } from '../folders';
import type { Folder } from '../types';

export class FoldersStore {
  list = $state.raw<Folder[]>([]);
  error = $state<string | null>(null);
  tree: FolderNode[] = $derived(buildFolderTree(this.list));
  /** The tree in display order, for pickers. */
  flat: FolderNode[] = $derived(flattenTree(this.tree));

  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      this.list = await this.#api.listFolders();
      this.error = null;
    } catch (err) {
      this.error = errorSentence(err);
    }
  }

  byId(id: string): Folder | undefined {
    return this.list.find((f) => f.id === id);
  }

  /** "Parent / Child" for a folder id. */
  path(id: string): string {
    const names: string[] = [];
    const seen = new Set<string>();
    let f = this.byId(id);
    while (f && !seen.has(f.id)) {
      seen.add(f.id);
      names.unshift(f.name);
      f = f.parent_id ? this.byId(f.parent_id) : undefined;
    }
    return names.join(' / ');
  }

  async create(name: string, parentId: string | null): Promise<Folder> {
    const f = await this.#api.createFolder(name, parentId);
    this.list = [...this.list, f];
    return f;
  }

  async rename(id: string, name: string): Promise<Folder> {
    const f = await this.#api.renameFolder(id, name);
    this.list = this.list.map((x) => (x.id === id ? f : x));
    return f;
  }

  /** Deletes a folder; its documents and subfolders move up to its parent. */
  async remove(id: string): Promise<void> {
    await this.#api.deleteFolder(id, true);
    await this.load();
  }
}
