import { catalogs, formatDate, languages, translator } from '.';
import { en } from './en';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the four languages', () => {
  it.each(languages)('%s has every key of English, none empty, with the same placeholders', (language) => {
    const catalog = catalogs[language] as Record<string, string>;
    const missing = Object.keys(en).filter((key) => !(key in catalog) || !catalog[key].trim());
    expect(missing).toEqual([]);
    const extra = Object.keys(catalog).filter((key) => !(key in en));
    expect(extra).toEqual([]);
    const broken = Object.entries(en).filter(([key, english]) => placeholders(english).join() !== placeholders(catalog[key]).join()).map(([key]) => key);
    expect(broken).toEqual([]);
  });

  it('translates with the values filled in', () => {
    expect(translator('fr')('capture.progress', { current: 3, total: 5 })).toBe('3 sur 5');
    expect(translator('de')('queue.waiting', { count: 2 })).toBe('2 Fotos warten auf eine Verbindung');
  });

  it('writes dates the way each language does', () => {
    expect(formatDate('en', '2026-12-09')).toBe('Dec 9, 2026');
    expect(formatDate('de', '2026-12-09')).toBe('9. Dez. 2026');
  });
});
