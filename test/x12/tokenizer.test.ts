import { describe, expect, it } from 'vitest';
import { codes, isa, record, tiny835, tokenize, wrap835 } from '../helpers.js';

const base = wrap835(tiny835());
const baseIds = ['ISA', 'GS', 'ST', 'BPR', 'TRN', 'N1', 'N1', 'LX', 'CLP', 'SVC', 'PLB', 'SE', 'GE', 'IEA'];

/** text.replace / replaceAll that must change the text: a case never tests an input it did not build. */
function edit(text: string, from: string | RegExp, to: string, all = false): string {
  const out = all ? text.replaceAll(from, to) : text.replace(from, to);
  if (out === text) throw new Error(`replacing ${String(from)} with ${JSON.stringify(to)} changed nothing`);
  return out;
}

describe('tokenizer tolerances: each reads the same 14 segments with no error', () => {
  const cases: Array<[string, string | Buffer]> = [
    ['plain, all on one line', base],
    ['UTF-8 BOM before ISA', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(base, 'latin1')])],
    ['white space and blank lines before ISA', `\r\n \n\t${base}`],
    ['LF after every terminator', edit(base, '~', '~\n', true)],
    ['CRLF after every terminator', edit(base, '~', '~\r\n', true)],
    ['newline as the segment terminator', wrap835(tiny835({ term: '\n' }), { term: '\n' })],
    ['CR as the segment terminator, LF after it', edit(wrap835(tiny835({ term: '\r' }), { term: '\r' }), '\r', '\r\n', true)],
    ['lowercase segment ids', edit(edit(edit(base, '~BPR*', '~bpr*'), '~CLP*', '~clp*'), '~SE*', '~se*')],
    ['odd delimiters | > ^ and ~', wrap835(tiny835({ el: '|', comp: '>' }), { el: '|', comp: '>' })],
    ['plus sign element separator, CR terminator', wrap835(tiny835({ el: '+', comp: '>', term: '\r' }), { el: '+', comp: '>', term: '\r' })],
  ];
  it.each(cases)('%s', (_name, input) => {
    // every case but the first is an input other than the plain one
    if (_name !== 'plain, all on one line') expect(Buffer.from(input as string, 'latin1').equals(Buffer.from(base, 'latin1'))).toBe(false);
    const whole = tokenize(input);
    expect(whole.segments.map((s) => s.id)).toEqual(baseIds);
    expect(codes(whole.diagnostics)).toEqual([]);
    const oneByte = tokenize(input, Array.from({ length: Buffer.byteLength(input as string) }, () => 1));
    expect(oneByte.segments.map((s) => [s.id, s.offset, s.number])).toEqual(whole.segments.map((s) => [s.id, s.offset, s.number]));
  });

  it('keeps element values exactly as written (no trimming)', () => {
    const { segments } = tokenize(wrap835(edit(tiny835(), 'N1*PR*PAYER', 'N1*PR*  PAYER  ')));
    expect(segments.find((s) => s.id === 'N1')!.elements[2]).toBe('  PAYER  ');
  });

  it('records absolute byte offsets and 1-based segment numbers', () => {
    const input = `\n\n${base}`;
    const { segments } = tokenize(input);
    expect(segments[0]).toMatchObject({ id: 'ISA', number: 1, offset: 2 });
    const gsOffset = input.indexOf('GS*');
    expect(segments[1]).toMatchObject({ id: 'GS', number: 2, offset: gsOffset });
    const plb = segments.find((s) => s.id === 'PLB')!;
    expect(plb.offset).toBe(input.indexOf('PLB*'));
    expect(plb.number).toBe(11);
  });

  it('a CR and LF split across chunks after a terminator', () => {
    const input = edit(base, '~', '~\r\n', true);
    const cut = input.indexOf('~\r\n') + 2; // chunk ends between CR and LF
    const { segments, diagnostics } = tokenize(input, [cut]);
    expect(segments.map((s) => s.id)).toEqual(baseIds);
    expect(diagnostics).toEqual([]);
  });

  it('waits for all ISA bytes before deciding delimiters (first chunk of 50 bytes)', () => {
    const { segments } = tokenize(base, [50, 50]);
    expect(segments[0]!.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
  });

  it('reads a second interchange with other delimiters in the same file', () => {
    const second = wrap835(tiny835({ el: '|', comp: '>', term: '\n', control: '0002' }), { el: '|', comp: '>', term: '\n', control: '000000002' });
    const { segments, diagnostics } = tokenize(base + '\n' + second);
    expect(diagnostics).toEqual([]);
    expect(segments.map((s) => s.id)).toEqual([...baseIds, ...baseIds]);
    expect(segments[14]!.delimiters).toEqual({ element: '|', component: '>', repetition: '^', segment: '\n' });
    expect(segments[22]!.elements.slice(0, 2)).toEqual(['CLP', 'PCN1']);
  });

  it('ISA11 is a repetition separator only from version 00501 on (4010 has U)', () => {
    const r4010 = tokenize(isa({ rep: 'U', version: '00401' }) + 'GS*HP*A*B*20240101*1200*1*X*004010X091A1~');
    expect(r4010.segments[0]!.delimiters.repetition).toBeNull();
    const r5010 = tokenize(isa({ rep: '^', version: '00501' }));
    expect(r5010.segments[0]!.delimiters.repetition).toBe('^');
  });

  it('reads an ISA whose fields are not padded, by counting separators', () => {
    const unpadded = 'ISA*00**00**ZZ*S*ZZ*R*240101*1200*^*00501*1*0*P*:~GS*HP*S*R*20240101*1200*1*X*005010X221A1~';
    const { segments, diagnostics } = tokenize(unpadded);
    expect(diagnostics).toEqual([]);
    expect(segments.map((s) => s.id)).toEqual(['ISA', 'GS']);
    expect(segments[0]!.elements[16]).toBe(':');
  });

  it('hard-wrapped lines (CRLF inside segments) are joined', () => {
    const wrapped = edit(base, 'BPR*I*90', 'BPR*I*9\r\n0');
    const { segments } = tokenize(wrapped);
    expect(segments.find((s) => s.id === 'BPR')!.elements[2]).toBe('90');
  });

  it('decodes UTF-8 names and keeps Latin-1 bytes readable', () => {
    const utf8 = Buffer.from(edit(base, 'N1*PR*PAYER', 'N1*PR*SANTÉ MUTUELLE'), 'utf8');
    expect(tokenize(utf8).segments.find((s) => s.id === 'N1')!.elements[2]).toBe('SANTÉ MUTUELLE');
    const latin1 = Buffer.from(edit(base, 'N1*PR*PAYER', 'N1*PR*SANTÉ'), 'latin1');
    expect(tokenize(latin1).segments.find((s) => s.id === 'N1')!.elements[2]).toBe('SANTÉ');
  });
});

describe('tokenizer diagnostics: code and position', () => {
  it('missing final terminator: the segment is still read, with a warning', () => {
    const input = base.slice(0, -1);
    const { segments, diagnostics } = tokenize(input);
    expect(segments.map((s) => s.id)).toEqual(baseIds);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'X12_MISSING_TERMINATOR', severity: 'warning', segment: 14, byteOffset: input.lastIndexOf('IEA') })]);
  });

  it.each([
    ['empty file', '', 'X12_EMPTY_FILE'],
    ['only white space', ' \r\n\t\n', 'X12_EMPTY_FILE'],
    ['plain text', 'Dear provider,\nplease find attached.\n', 'X12_NOT_X12'],
    ['a PDF', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'X12_NOT_X12'],
    ['a zip', 'PK\x03\x04\x14\x00\x00\x00', 'X12_NOT_X12'],
    ['binary with NUL bytes', '\x00\x01\x02ISA*', 'X12_NOT_X12'],
  ])('%s → %s at byte 0', (_name, input, code) => {
    const { segments, diagnostics } = tokenize(input);
    expect(segments).toEqual([]);
    expect(diagnostics).toEqual([expect.objectContaining({ code, severity: 'error', byteOffset: 0, file: 'test.835' })]);
  });

  it('text before ISA is skipped with a warning that says how much', () => {
    const input = `Business Scenario 1\r\nSome prose.\r\n\r\n${base}`;
    const { segments, diagnostics } = tokenize(input);
    expect(segments.map((s) => s.id)).toEqual(baseIds);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'X12_JUNK_SKIPPED', byteOffset: 0 })]);
    expect(diagnostics[0]!.message).toContain(`skipped ${input.indexOf('ISA')} bytes`);
  });

  it('a stray character before every segment is reported once per interchange', () => {
    // a newline before every ~: ISA16 is followed by the newline, so the newline is the terminator and
    // every segment after ISA starts with a stray ~
    const input = edit(edit(base, '~', '\n~', true), /~$/, '');
    expect(input.slice(105, 108)).toBe('\n~G');
    const r = tokenize(input);
    expect(r.segments.map((s) => s.id)).toEqual(baseIds);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'X12_JUNK_SKIPPED', segment: 2, byteOffset: input.indexOf('~GS') })]);
    // two such interchanges: one message each
    const twice = tokenize(input + input);
    expect(twice.segments.map((s) => s.id)).toEqual([...baseIds, ...baseIds]);
    expect(twice.diagnostics).toEqual([
      expect.objectContaining({ code: 'X12_JUNK_SKIPPED', segment: 2, byteOffset: input.indexOf('~GS') }),
      expect.objectContaining({ code: 'X12_JUNK_SKIPPED', segment: 16, byteOffset: input.length + input.indexOf('~GS') }),
    ]);
  });

  it('a broken ISA is an error; the reader looks for the next one', () => {
    const broken = 'ISA*00*short~GS*HP~';
    const input = broken + base;
    const { segments, diagnostics } = tokenize(input);
    expect(diagnostics[0]).toMatchObject({ code: 'X12_BAD_ISA', severity: 'error', byteOffset: 0, segment: 1 });
    expect(segments.map((s) => s.id)).toEqual(baseIds);
  });

  it('ISA with identical separators is rejected', () => {
    const bad = isa({ comp: '*' }) + 'GS*HP~';
    const { diagnostics } = tokenize(bad);
    expect(diagnostics.map((d) => d.code)).toContain('X12_NOT_X12');
  });

  it('a segment id that is not 2-3 letters/digits is skipped with its position', () => {
    const input = edit(base, '~LX*1~', '~LXXXX*1~');
    const { segments, diagnostics } = tokenize(input);
    expect(segments.map((s) => s.id)).not.toContain('LXXXX');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'X12_BAD_SEGMENT_ID', segment: 8, byteOffset: input.indexOf('LXXXX') })]);
  });

  it('a segment longer than the cap is an error, not an out-of-memory', () => {
    const huge = 'N3*' + 'A'.repeat(3 * 1024 * 1024);
    const input = edit(base, '~LX*1~', `~${huge}~LX*1~`);
    const r = tokenize(Buffer.from(input, 'latin1'), Array.from({ length: 60 }, () => 65536));
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'X12_SEGMENT_TOO_LONG', segment: 8, byteOffset: input.indexOf('N3*') })]);
    expect(r.segments.map((s) => s.id)).toEqual(baseIds);
  });
});

describe('transactions without an ISA envelope', () => {
  it('are read with default delimiters and a warning per transaction', () => {
    const input = tiny835() + '\n' + tiny835({ control: '0002' });
    const r = record(input);
    expect(r.remittances.map((x) => x.transactionControl)).toEqual(['0001', '0002']);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'X12_NO_ISA', severity: 'warning', segment: 1, byteOffset: 0 }),
      expect.objectContaining({ code: 'X12_NO_ISA', severity: 'warning', segment: 11, byteOffset: input.indexOf('ST*835*0002') }),
    ]);
    expect(r.remittances[1]!.payment.amount).toBe(9000);
  });

  it('a bare transaction with newline terminators', () => {
    const r = record(tiny835({ term: '\n' }));
    expect(r.remittances).toHaveLength(1);
    expect(r.remittances[0]!.claimCount).toBe(1);
    expect(codes(r.diagnostics)).toEqual(['X12_NO_ISA']);
  });
});

describe('Segment views: elements read in place, in any order', () => {
  it('raw, el, size and read agree with elements, on the fast and the careful path', () => {
    const body = 'CLP*PCN1*1* 100.5 *80**12*ICN1~';
    // a non-ASCII byte anywhere in the block sends every segment of it the careful way
    for (const input of [wrap835(body), wrap835(body) + 'X\u00e9*1~']) {
      const seg = tokenize(input).segments.find((s) => s.id === 'CLP')!;
      const els = [...seg.elements];
      expect(seg.size).toBe(els.length);
      for (const i of [7, 1, 3, 0, 9, 5, 2, 8]) expect(seg.raw(i)).toBe(els[i] ?? '');
      expect(seg.el(3)).toBe('100.5');
      expect(seg.read(4, (t, s, e) => t.slice(s, e))).toBe('80');
      expect(seg.read(12, (t, s, e) => t.slice(s, e))).toBeNull();
    }
  });
});
