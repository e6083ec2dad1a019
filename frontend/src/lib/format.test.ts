import { describe, expect, it } from 'vitest';
import { normaliseHex, textOn } from './colors';
import { buildFolderTree, flattenTree } from './folders';
import { formatSize, hasThumbnail, languageName, previewKind, typeLabel } from './format';
import { DEFAULT_STATE } from './search-url';
import { parseHash, routeHash } from './stores/router.svelte';
import type { Folder } from './types';

describe('format', () => {
  it('formats sizes', () => {
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(900)).toBe('900 bytes');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(50 * 1024 * 1024)).toBe('50 MB');
  });

  it('names languages', () => {
    expect(languageName('')).toBe('');
    expect(languageName('de')).not.toBe('de'); // a name in the test locale
    expect(languageName('not a code!')).toBe('not a code!');
  });

  it('names types and knows which have thumbnails and previews', () => {
    expect(typeLabel('application/pdf')).toBe('PDF');
    expect(typeLabel('image/png')).toBe('PNG image');
    expect(typeLabel('text/plain; charset=utf-8')).toBe('Text');
    expect(hasThumbnail('image/jpeg')).toBe(true);
    expect(hasThumbnail('text/plain')).toBe(false);
    expect(hasThumbnail('application/vnd.oasis.opendocument.text')).toBe(true);
    expect(hasThumbnail('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe(false);
    expect(hasThumbnail('image/heic')).toBe(true);
    expect(previewKind('application/pdf')).toBe('pdf');
    expect(previewKind('image/tiff')).toBe('text');
  });
});

describe('colors', () => {
  it('normalises hex colors', () => {
    expect(normaliseHex('4F7CAC')).toBe('#4f7cac');
    expect(normaliseHex('#12345')).toBeNull();
    expect(textOn('#ffffff')).toBe('#000000');
    expect(textOn('#2c4d75')).toBe('#ffffff');
  });
});

describe('folder tree', () => {
  const f = (id: string, parent: string | null, name: string): Folder => ({
    id,
    parent_id: parent,
    name,
    created_at: '',
  });

  it('nests by parent and sorts by name', () => {
    const tree = buildFolderTree([f('b', null, 'Work'), f('a', null, 'Home'), f('c', 'a', 'Bills'), f('d', 'gone', 'Orphan')]);
    expect(tree.map((n) => n.folder.name)).toEqual(['Home', 'Orphan', 'Work']);
    expect(flattenTree(tree).map((n) => `${n.depth}:${n.folder.name}`)).toEqual(['0:Home', '1:Bills', '0:Orphan', '0:Work']);
  });
});

describe('routes', () => {
  it('round-trips through the hash', () => {
    const library = { name: 'library', state: DEFAULT_STATE } as const;
    for (const r of [library, { name: 'topics' }, { name: 'settings' }, { name: 'document', id: 'a/b c' }] as const) {
      expect(parseHash(routeHash(r))).toEqual(r);
    }
    expect(parseHash('#/nonsense')).toEqual(library);
  });
});
