/** Instructions are whole words: a field that selects state splits an instruction into variants. */
import { describe, expect, it } from 'vitest';
import { variantsOf } from '../../src/check/variants.js';
import { indexOf, loadFixture, withProbe } from './fixtures.js';

describe('variants', () => {
  const sealed = loadFixture('sealed');

  it('a field matched directly gives one variant per arm value and one for every other value', () => {
    const v = variantsOf(sealed, indexOf(sealed, 'csrw'));
    expect(v.map((x) => x.label)).toEqual(['csr=CSR_VECTOR', 'csr=CSR_STATUS', 'csr=CSR_BASE', 'csr=CSR_BOUND', 'csr=other']);
    expect(v.map((x) => x.fixed.get(0))).toEqual([0n, 1n, 2n, 3n, undefined]);
    expect(v[4]!.excluded.get(0)).toEqual(new Set([0n, 1n, 2n, 3n]));
  });

  it('a field passed to a function parameter that is matched selects too', () => {
    const v = variantsOf(sealed, indexOf(sealed, 'csrr'));
    expect(v.map((x) => x.label)).toHaveLength(5);
    expect(v[4]!.label).toBe('csr=other');
  });

  it('an instruction without a selecting field is one whole variant', () => {
    expect(variantsOf(sealed, indexOf(sealed, 'add'))).toEqual([{ label: '', fixed: new Map(), excluded: new Map() }]);
  });

  it('arms that cover every value leave no "other"; values without a unique constant are shown in hex', () => {
    const checked = withProbe('match rd { 0, 1, 2, 3 => { R[1] = 1; } 4, 5, 6, 7 => { R[1] = 2; } }');
    const v = variantsOf(checked, indexOf(checked, 'probe'));
    expect(v.map((x) => x.label)).toEqual(['rd=0x0', 'rd=0x1', 'rd=0x2', 'rd=0x3', 'rd=0x4', 'rd=0x5', 'rd=0x6', 'rd=0x7']);
  });

  it('two selecting fields give the product of their selections', () => {
    const checked = withProbe('match rd { 1 => { R[1] = 1; } }\nmatch rs1 { 2 => { R[2] = 1; } }');
    const v = variantsOf(checked, indexOf(checked, 'probe'));
    expect(v.map((x) => x.label)).toEqual(['rs1=0x2 rd=0x1', 'rs1=0x2 rd=other', 'rs1=other rd=0x1', 'rs1=other rd=other']);
  });
});
