// The folder tree, built from the flat list the API returns.

import type { Folder } from './types';

/** A folder with its children, sorted by name. */
export interface FolderNode {
  folder: Folder;
  depth: number;
  children: FolderNode[];
}

const byName = (a: FolderNode, b: FolderNode) =>
  a.folder.name.localeCompare(b.folder.name, undefined, { sensitivity: 'base' });

/**
 * Builds the tree. A folder whose parent is missing (deleted meanwhile)
 * shows at the top level rather than vanishing; cycles cannot occur (the
 * server refuses them), but a folder is placed at most once regardless.
 */
export function buildFolderTree(folders: readonly Folder[]): FolderNode[] {
  const nodes = new Map<string, FolderNode>();
  for (const f of folders) nodes.set(f.id, { folder: f, depth: 0, children: [] });
  const roots: FolderNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.folder.parent_id ? nodes.get(node.folder.parent_id) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const seen = new Set<string>();
  const walk = (list: FolderNode[], depth: number): FolderNode[] => {
    list.sort(byName);
    return list.filter((n) => {
      if (seen.has(n.folder.id)) return false;
      seen.add(n.folder.id);
      n.depth = depth;
      n.children = walk(n.children, depth + 1);
      return true;
    });
  };
  return walk(roots, 0);
}

/** The tree in display order, depth first (for selects). */
export function flattenTree(roots: readonly FolderNode[]): FolderNode[] {
  const out: FolderNode[] = [];
  const visit = (n: FolderNode) => {
    out.push(n);
    n.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}
