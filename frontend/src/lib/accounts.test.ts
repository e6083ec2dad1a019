import { describe, expect, it } from 'vitest';
import { parseSize, quotaText, usageText } from './accounts';

describe('parseSize', () => {
  it('reads the sizes the CLI takes', () => {
    expect(parseSize('5GB')).toBe(5e9);
    expect(parseSize('500 MB')).toBe(5e8);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('1048576')).toBe(1048576);
    expect(parseSize('1.5kb')).toBe(1500);
  });
  it('reads empty and zero as no bound', () => {
    expect(parseSize('')).toBe(0);
    expect(parseSize(' 0 ')).toBe(0);
  });
  it('refuses what is not a size', () => {
    expect(parseSize('huge')).toBeNull();
    expect(parseSize('5 parsecs')).toBeNull();
    expect(parseSize('-5GB')).toBeNull();
  });
});

describe('quota and usage text', () => {
  it('says none without bounds', () => {
    expect(quotaText({ bytes: 0, documents: 0 })).toBe('none');
    expect(quotaText(undefined)).toBe('none');
  });
  it('names both bounds', () => {
    expect(quotaText({ bytes: 5 * 1024 ** 3, documents: 1 })).toBe('5.0 GB, 1 document');
  });
  it('shows usage against the quota', () => {
    expect(usageText({ documents: 2, bytes: 512 * 1024 ** 2 }, { bytes: 1024 ** 3, documents: 10 })).toBe(
      '2 documents of 10, 512 MB of 1.0 GB (50%)',
    );
    expect(usageText({ documents: 1, bytes: 1 }, { bytes: 0, documents: 0 })).toBe('1 document, 1 byte');
  });
});
