import { describe, expect, it } from 'vitest';
import { searchStems } from './search-words.ts';

describe('the words of a search for a service', () => {
  it('cuts plurals and endings to their stems', () => {
    expect(searchStems('bins')).toEqual(['bin']);
    expect(searchStems('Potholes')).toEqual(['pothole']);
    expect(searchStems('my bin was not collected')).toEqual(['bin', 'collect']);
    expect(searchStems('flooding')).toEqual(['flood']);
  });

  it('keeps short words and words ending in ss whole', () => {
    expect(searchStems('bus glass grass')).toEqual(['bus', 'glass', 'grass']);
  });

  it('leaves out common words and punctuation, and has no word twice', () => {
    expect(searchStems('The rubbish, the RUBBISH!')).toEqual(['rubbish']);
    expect(searchStems('   ')).toEqual([]);
  });
});
