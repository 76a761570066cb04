import { describe, expect, it } from 'vitest';
import { findUnstorableText } from './text.ts';

describe('findUnstorableText', () => {
  it('names the field holding a NUL or a lone surrogate', () => {
    expect(findUnstorableText({ a: { b: ['ok', 'x\u0000y'] } }, 'body')).toBe('body.a.b.1');
    expect(findUnstorableText({ name: 'Léa \ud800' }, 'body')).toBe('body.name');
    expect(findUnstorableText({ name: '\udfff' }, 'body')).toBe('body.name');
  });

  it('accepts every script, emoji and right-to-left text', () => {
    expect(
      findUnstorableText({ n: 'يوسف العلوي', z: '王芳', e: '👩🏽‍💻 ok', m: 'Rakotomalala' }, 'body'),
    ).toBeUndefined();
  });
});
