/** util/hash.ts: the one home of hashing — hex digests of UTF-8 text or bytes. */
import { sha1, sha256 } from '../../util/hash';

describe('sha1 / sha256', () => {
  it('give the standard digests of text', () => {
    expect(sha1('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('read text as UTF-8, so a string and its bytes hash alike', () => {
    const text = 'n8n — déjà vu ✓';
    expect(sha256(text)).toBe(sha256(Buffer.from(text, 'utf8')));
    expect(sha1(text)).toBe(sha1(Buffer.from(text, 'utf8')));
    expect(sha256(text)).not.toBe(sha256(Buffer.from(text, 'latin1')));
  });
});
